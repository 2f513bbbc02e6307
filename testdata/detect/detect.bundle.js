(() => {
  // node_modules/@fingerprintjs/botd/dist/botd.esm.js
  var version = "2.0.0";
  var BotKind = {
    // Object is used instead of Typescript enum to avoid emitting IIFE which might be affected by further tree-shaking.
    // See example of compiled enums https://stackoverflow.com/q/47363996)
    Awesomium: "awesomium",
    Cef: "cef",
    CefSharp: "cefsharp",
    CoachJS: "coachjs",
    Electron: "electron",
    FMiner: "fminer",
    Geb: "geb",
    NightmareJS: "nightmarejs",
    Phantomas: "phantomas",
    PhantomJS: "phantomjs",
    Rhino: "rhino",
    Selenium: "selenium",
    Sequentum: "sequentum",
    SlimerJS: "slimerjs",
    WebDriverIO: "webdriverio",
    WebDriver: "webdriver",
    HeadlessChrome: "headless_chrome",
    Unknown: "unknown"
  };
  var BotdError = class _BotdError extends Error {
    /**
     * Creates a new BotdError.
     *
     * @class
     */
    constructor(state2, message) {
      super(message);
      this.state = state2;
      this.name = "BotdError";
      Object.setPrototypeOf(this, _BotdError.prototype);
    }
  };
  function detect(components, detectors2) {
    const detections = {};
    let finalDetection = {
      bot: false
    };
    for (const detectorName in detectors2) {
      const detector = detectors2[detectorName];
      const detectorRes = detector(components);
      let detection = { bot: false };
      if (typeof detectorRes === "string") {
        detection = { bot: true, botKind: detectorRes };
      } else if (detectorRes) {
        detection = { bot: true, botKind: BotKind.Unknown };
      }
      detections[detectorName] = detection;
      if (detection.bot) {
        finalDetection = detection;
      }
    }
    return [detections, finalDetection];
  }
  async function collect(sources2) {
    const components = {};
    const sourcesKeys = Object.keys(sources2);
    await Promise.all(sourcesKeys.map(async (sourceKey) => {
      const res = sources2[sourceKey];
      try {
        components[sourceKey] = {
          value: await res(),
          state: 0
        };
      } catch (error) {
        if (error instanceof BotdError) {
          components[sourceKey] = {
            state: error.state,
            error: `${error.name}: ${error.message}`
          };
        } else {
          components[sourceKey] = {
            state: -3,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error)
          };
        }
      }
    }));
    return components;
  }
  function detectAppVersion({ appVersion }) {
    if (appVersion.state !== 0)
      return false;
    if (/headless/i.test(appVersion.value))
      return BotKind.HeadlessChrome;
    if (/electron/i.test(appVersion.value))
      return BotKind.Electron;
    if (/slimerjs/i.test(appVersion.value))
      return BotKind.SlimerJS;
  }
  function arrayIncludes(arr, value) {
    return arr.indexOf(value) !== -1;
  }
  function strIncludes(str, value) {
    return str.indexOf(value) !== -1;
  }
  function arrayFind(array, callback) {
    if ("find" in array)
      return array.find(callback);
    for (let i = 0; i < array.length; i++) {
      if (callback(array[i], i, array))
        return array[i];
    }
    return void 0;
  }
  function getObjectProps(obj) {
    return Object.getOwnPropertyNames(obj);
  }
  function includes(arr, ...keys) {
    for (const key of keys) {
      if (typeof key === "string") {
        if (arrayIncludes(arr, key))
          return true;
      } else {
        const match = arrayFind(arr, (value) => key.test(value));
        if (match != null)
          return true;
      }
    }
    return false;
  }
  function countTruthy(values) {
    return values.reduce((sum, value) => sum + (value ? 1 : 0), 0);
  }
  function detectDocumentAttributes({ documentElementKeys }) {
    if (documentElementKeys.state !== 0)
      return false;
    if (includes(documentElementKeys.value, "selenium", "webdriver", "driver")) {
      return BotKind.Selenium;
    }
  }
  function detectErrorTrace({ errorTrace }) {
    if (errorTrace.state !== 0)
      return false;
    if (/PhantomJS/i.test(errorTrace.value))
      return BotKind.PhantomJS;
  }
  function detectEvalLengthInconsistency({ evalLength, browserKind, browserEngineKind }) {
    if (evalLength.state !== 0 || browserKind.state !== 0 || browserEngineKind.state !== 0)
      return;
    const length = evalLength.value;
    if (browserEngineKind.value === "unknown")
      return false;
    return length === 37 && !arrayIncludes([
      "webkit",
      "gecko"
      /* BrowserEngineKind.Gecko */
    ], browserEngineKind.value) || length === 39 && !arrayIncludes([
      "internet_explorer"
      /* BrowserKind.IE */
    ], browserKind.value) || length === 33 && !arrayIncludes([
      "chromium"
      /* BrowserEngineKind.Chromium */
    ], browserEngineKind.value);
  }
  function detectFunctionBind({ functionBind }) {
    if (functionBind.state === -2)
      return BotKind.PhantomJS;
  }
  function detectLanguagesLengthInconsistency({ languages }) {
    if (languages.state === 0 && languages.value.length === 0) {
      return BotKind.HeadlessChrome;
    }
  }
  function detectMimeTypesConsistent({ mimeTypesConsistent }) {
    if (mimeTypesConsistent.state === 0 && !mimeTypesConsistent.value) {
      return BotKind.Unknown;
    }
  }
  function detectNotificationPermissions({ notificationPermissions, browserKind }) {
    if (browserKind.state !== 0 || browserKind.value !== "chrome")
      return false;
    if (notificationPermissions.state === 0 && notificationPermissions.value) {
      return BotKind.HeadlessChrome;
    }
  }
  function detectPluginsArray({ pluginsArray }) {
    if (pluginsArray.state === 0 && !pluginsArray.value)
      return BotKind.HeadlessChrome;
  }
  function detectPluginsLengthInconsistency({ pluginsLength, android, browserKind, browserEngineKind }) {
    if (pluginsLength.state !== 0 || android.state !== 0 || browserKind.state !== 0 || browserEngineKind.state !== 0)
      return;
    if (browserKind.value !== "chrome" || android.value || browserEngineKind.value !== "chromium")
      return;
    if (pluginsLength.value === 0)
      return BotKind.HeadlessChrome;
  }
  function detectProcess({ process }) {
    var _a;
    if (process.state !== 0)
      return false;
    if (process.value.type === "renderer" || ((_a = process.value.versions) === null || _a === void 0 ? void 0 : _a.electron) != null)
      return BotKind.Electron;
  }
  function detectProductSub({ productSub, browserKind }) {
    if (productSub.state !== 0 || browserKind.state !== 0)
      return false;
    if ((browserKind.value === "chrome" || browserKind.value === "safari" || browserKind.value === "opera" || browserKind.value === "wechat") && productSub.value !== "20030107")
      return BotKind.Unknown;
  }
  function detectUserAgent({ userAgent }) {
    if (userAgent.state !== 0)
      return false;
    if (/PhantomJS/i.test(userAgent.value))
      return BotKind.PhantomJS;
    if (/Headless/i.test(userAgent.value))
      return BotKind.HeadlessChrome;
    if (/Electron/i.test(userAgent.value))
      return BotKind.Electron;
    if (/slimerjs/i.test(userAgent.value))
      return BotKind.SlimerJS;
  }
  function detectWebDriver({ webDriver }) {
    if (webDriver.state === 0 && webDriver.value)
      return BotKind.HeadlessChrome;
  }
  function detectWebGL({ webGL }) {
    if (webGL.state === 0) {
      const { vendor, renderer } = webGL.value;
      if (vendor == "Brian Paul" && renderer == "Mesa OffScreen") {
        return BotKind.HeadlessChrome;
      }
    }
  }
  function detectWindowExternal({ windowExternal }) {
    if (windowExternal.state !== 0)
      return false;
    if (/Sequentum/i.test(windowExternal.value))
      return BotKind.Sequentum;
  }
  function detectWindowSize({ windowSize, documentFocus }) {
    if (windowSize.state !== 0 || documentFocus.state !== 0)
      return false;
    const { outerWidth, outerHeight } = windowSize.value;
    if (!documentFocus.value)
      return;
    if (outerWidth === 0 && outerHeight === 0)
      return BotKind.HeadlessChrome;
  }
  function detectDistinctiveProperties({ distinctiveProps }) {
    if (distinctiveProps.state !== 0)
      return false;
    const value = distinctiveProps.value;
    let bot;
    for (bot in value)
      if (value[bot])
        return bot;
  }
  var detectors = {
    detectAppVersion,
    detectDocumentAttributes,
    detectErrorTrace,
    detectEvalLengthInconsistency,
    detectFunctionBind,
    detectLanguagesLengthInconsistency,
    detectNotificationPermissions,
    detectPluginsArray,
    detectPluginsLengthInconsistency,
    detectProcess,
    detectUserAgent,
    detectWebDriver,
    detectWebGL,
    detectWindowExternal,
    detectWindowSize,
    detectMimeTypesConsistent,
    detectProductSub,
    detectDistinctiveProperties
  };
  function getAppVersion() {
    const appVersion = navigator.appVersion;
    if (appVersion == void 0) {
      throw new BotdError(-1, "navigator.appVersion is undefined");
    }
    return appVersion;
  }
  function getDocumentElementKeys() {
    if (document.documentElement === void 0) {
      throw new BotdError(-1, "document.documentElement is undefined");
    }
    const { documentElement } = document;
    if (typeof documentElement.getAttributeNames !== "function") {
      throw new BotdError(-2, "document.documentElement.getAttributeNames is not a function");
    }
    return documentElement.getAttributeNames();
  }
  function getErrorTrace() {
    try {
      null[0]();
    } catch (error) {
      if (error instanceof Error && error["stack"] != null) {
        return error.stack.toString();
      }
    }
    throw new BotdError(-3, "errorTrace signal unexpected behaviour");
  }
  function getEvalLength() {
    return eval.toString().length;
  }
  function getFunctionBind() {
    if (Function.prototype.bind === void 0) {
      throw new BotdError(-2, "Function.prototype.bind is undefined");
    }
    return Function.prototype.bind.toString();
  }
  function getBrowserEngineKind() {
    var _a, _b;
    const w = window;
    const n = navigator;
    if (countTruthy([
      "webkitPersistentStorage" in n,
      "webkitTemporaryStorage" in n,
      n.vendor.indexOf("Google") === 0,
      "webkitResolveLocalFileSystemURL" in w,
      "BatteryManager" in w,
      "webkitMediaStream" in w,
      "webkitSpeechGrammar" in w
    ]) >= 5) {
      return "chromium";
    }
    if (countTruthy([
      "ApplePayError" in w,
      "CSSPrimitiveValue" in w,
      "Counter" in w,
      n.vendor.indexOf("Apple") === 0,
      "getStorageUpdates" in n,
      "WebKitMediaKeys" in w
    ]) >= 4) {
      return "webkit";
    }
    if (countTruthy([
      "buildID" in navigator,
      "MozAppearance" in ((_b = (_a = document.documentElement) === null || _a === void 0 ? void 0 : _a.style) !== null && _b !== void 0 ? _b : {}),
      "onmozfullscreenchange" in w,
      "mozInnerScreenX" in w,
      "CSSMozDocumentRule" in w,
      "CanvasCaptureMediaStream" in w
    ]) >= 4) {
      return "gecko";
    }
    return "unknown";
  }
  function getBrowserKind() {
    var _a;
    const userAgent = (_a = navigator.userAgent) === null || _a === void 0 ? void 0 : _a.toLowerCase();
    if (strIncludes(userAgent, "edg/")) {
      return "edge";
    } else if (strIncludes(userAgent, "trident") || strIncludes(userAgent, "msie")) {
      return "internet_explorer";
    } else if (strIncludes(userAgent, "wechat")) {
      return "wechat";
    } else if (strIncludes(userAgent, "firefox")) {
      return "firefox";
    } else if (strIncludes(userAgent, "opera") || strIncludes(userAgent, "opr")) {
      return "opera";
    } else if (strIncludes(userAgent, "chrome")) {
      return "chrome";
    } else if (strIncludes(userAgent, "safari")) {
      return "safari";
    } else {
      return "unknown";
    }
  }
  function isAndroid() {
    const browserEngineKind = getBrowserEngineKind();
    const isItChromium = browserEngineKind === "chromium";
    const isItGecko = browserEngineKind === "gecko";
    const w = window;
    const n = navigator;
    const c2 = "connection";
    if (isItChromium) {
      return countTruthy([
        !("SharedWorker" in w),
        // `typechange` is deprecated, but it's still present on Android (tested on Chrome Mobile 117)
        // Removal proposal https://bugs.chromium.org/p/chromium/issues/detail?id=699892
        // Note: this expression returns true on ChromeOS, so additional detectors are required to avoid false-positives
        n[c2] && "ontypechange" in n[c2],
        !("sinkId" in new Audio())
      ]) >= 2;
    } else if (isItGecko) {
      return countTruthy(["onorientationchange" in w, "orientation" in w, /android/i.test(n.appVersion)]) >= 2;
    } else {
      return false;
    }
  }
  function getDocumentFocus() {
    if (document.hasFocus === void 0) {
      return false;
    }
    return document.hasFocus();
  }
  function isChromium86OrNewer() {
    const w = window;
    return countTruthy([
      !("MediaSettingsRange" in w),
      "RTCEncodedAudioFrame" in w,
      "" + w.Intl === "[object Intl]",
      "" + w.Reflect === "[object Reflect]"
    ]) >= 3;
  }
  function getLanguages() {
    const n = navigator;
    const result = [];
    const language = n.language || n.userLanguage || n.browserLanguage || n.systemLanguage;
    if (language !== void 0) {
      result.push([language]);
    }
    if (Array.isArray(n.languages)) {
      const browserEngine = getBrowserEngineKind();
      if (!(browserEngine === "chromium" && isChromium86OrNewer())) {
        result.push(n.languages);
      }
    } else if (typeof n.languages === "string") {
      const languages = n.languages;
      if (languages) {
        result.push(languages.split(","));
      }
    }
    return result;
  }
  function areMimeTypesConsistent() {
    if (navigator.mimeTypes === void 0) {
      throw new BotdError(-1, "navigator.mimeTypes is undefined");
    }
    const { mimeTypes } = navigator;
    let isConsistent = Object.getPrototypeOf(mimeTypes) === MimeTypeArray.prototype;
    for (let i = 0; i < mimeTypes.length; i++) {
      isConsistent && (isConsistent = Object.getPrototypeOf(mimeTypes[i]) === MimeType.prototype);
    }
    return isConsistent;
  }
  async function getNotificationPermissions() {
    if (window.Notification === void 0) {
      throw new BotdError(-1, "window.Notification is undefined");
    }
    if (navigator.permissions === void 0) {
      throw new BotdError(-1, "navigator.permissions is undefined");
    }
    const { permissions } = navigator;
    if (typeof permissions.query !== "function") {
      throw new BotdError(-2, "navigator.permissions.query is not a function");
    }
    try {
      const permissionStatus = await permissions.query({ name: "notifications" });
      return window.Notification.permission === "denied" && permissionStatus.state === "prompt";
    } catch (e) {
      throw new BotdError(-3, "notificationPermissions signal unexpected behaviour");
    }
  }
  function getPluginsArray() {
    if (navigator.plugins === void 0) {
      throw new BotdError(-1, "navigator.plugins is undefined");
    }
    if (window.PluginArray === void 0) {
      throw new BotdError(-1, "window.PluginArray is undefined");
    }
    return navigator.plugins instanceof PluginArray;
  }
  function getPluginsLength() {
    if (navigator.plugins === void 0) {
      throw new BotdError(-1, "navigator.plugins is undefined");
    }
    if (navigator.plugins.length === void 0) {
      throw new BotdError(-3, "navigator.plugins.length is undefined");
    }
    return navigator.plugins.length;
  }
  function getProcess() {
    const { process } = window;
    const errorPrefix = "window.process is";
    if (process === void 0) {
      throw new BotdError(-1, `${errorPrefix} undefined`);
    }
    if (process && typeof process !== "object") {
      throw new BotdError(-3, `${errorPrefix} not an object`);
    }
    return process;
  }
  function getProductSub() {
    const { productSub } = navigator;
    if (productSub === void 0) {
      throw new BotdError(-1, "navigator.productSub is undefined");
    }
    return productSub;
  }
  function getRTT() {
    if (navigator.connection === void 0) {
      throw new BotdError(-1, "navigator.connection is undefined");
    }
    if (navigator.connection.rtt === void 0) {
      throw new BotdError(-1, "navigator.connection.rtt is undefined");
    }
    return navigator.connection.rtt;
  }
  function getUserAgent() {
    return navigator.userAgent;
  }
  function getWebDriver() {
    if (navigator.webdriver == void 0) {
      throw new BotdError(-1, "navigator.webdriver is undefined");
    }
    return navigator.webdriver;
  }
  function getWebGL() {
    const canvasElement = document.createElement("canvas");
    if (typeof canvasElement.getContext !== "function") {
      throw new BotdError(-2, "HTMLCanvasElement.getContext is not a function");
    }
    const webGLContext = canvasElement.getContext("webgl");
    if (webGLContext === null) {
      throw new BotdError(-4, "WebGLRenderingContext is null");
    }
    if (typeof webGLContext.getParameter !== "function") {
      throw new BotdError(-2, "WebGLRenderingContext.getParameter is not a function");
    }
    const vendor = webGLContext.getParameter(webGLContext.VENDOR);
    const renderer = webGLContext.getParameter(webGLContext.RENDERER);
    return { vendor, renderer };
  }
  function getWindowExternal() {
    if (window.external === void 0) {
      throw new BotdError(-1, "window.external is undefined");
    }
    const { external } = window;
    if (typeof external.toString !== "function") {
      throw new BotdError(-2, "window.external.toString is not a function");
    }
    return external.toString();
  }
  function getWindowSize() {
    return {
      outerWidth: window.outerWidth,
      outerHeight: window.outerHeight,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight
    };
  }
  function checkDistinctiveProperties() {
    const distinctivePropsList = {
      [BotKind.Awesomium]: {
        window: ["awesomium"]
      },
      [BotKind.Cef]: {
        window: ["RunPerfTest"]
      },
      [BotKind.CefSharp]: {
        window: ["CefSharp"]
      },
      [BotKind.CoachJS]: {
        window: ["emit"]
      },
      [BotKind.FMiner]: {
        window: ["fmget_targets"]
      },
      [BotKind.Geb]: {
        window: ["geb"]
      },
      [BotKind.NightmareJS]: {
        window: ["__nightmare", "nightmare"]
      },
      [BotKind.Phantomas]: {
        window: ["__phantomas"]
      },
      [BotKind.PhantomJS]: {
        window: ["callPhantom", "_phantom"]
      },
      [BotKind.Rhino]: {
        window: ["spawn"]
      },
      [BotKind.Selenium]: {
        window: ["_Selenium_IDE_Recorder", "_selenium", "calledSelenium", /^([a-z]){3}_.*_(Array|Promise|Symbol)$/],
        document: ["__selenium_evaluate", "selenium-evaluate", "__selenium_unwrapped"]
      },
      [BotKind.WebDriverIO]: {
        window: ["wdioElectron"]
      },
      [BotKind.WebDriver]: {
        window: [
          "webdriver",
          "__webdriverFunc",
          "__lastWatirAlert",
          "__lastWatirConfirm",
          "__lastWatirPrompt",
          "_WEBDRIVER_ELEM_CACHE",
          "ChromeDriverw"
        ],
        document: [
          "__webdriver_script_fn",
          "__driver_evaluate",
          "__webdriver_evaluate",
          "__fxdriver_evaluate",
          "__driver_unwrapped",
          "__webdriver_unwrapped",
          "__fxdriver_unwrapped",
          "__webdriver_script_fn",
          "__webdriver_script_func",
          "__webdriver_script_function",
          "$cdc_asdjflasutopfhvcZLmcf",
          "$cdc_asdjflasutopfhvcZLmcfl_",
          "$chrome_asyncScriptInfo",
          "__$webdriverAsyncExecutor"
        ]
      },
      [BotKind.HeadlessChrome]: {
        window: ["domAutomation", "domAutomationController"]
      }
    };
    let botName;
    const result = {};
    const windowProps = getObjectProps(window);
    let documentProps = [];
    if (window.document !== void 0)
      documentProps = getObjectProps(window.document);
    for (botName in distinctivePropsList) {
      const props = distinctivePropsList[botName];
      if (props !== void 0) {
        const windowContains = props.window === void 0 ? false : includes(windowProps, ...props.window);
        const documentContains = props.document === void 0 || !documentProps.length ? false : includes(documentProps, ...props.document);
        result[botName] = windowContains || documentContains;
      }
    }
    return result;
  }
  var sources = {
    android: isAndroid,
    browserKind: getBrowserKind,
    browserEngineKind: getBrowserEngineKind,
    documentFocus: getDocumentFocus,
    userAgent: getUserAgent,
    appVersion: getAppVersion,
    rtt: getRTT,
    windowSize: getWindowSize,
    pluginsLength: getPluginsLength,
    pluginsArray: getPluginsArray,
    errorTrace: getErrorTrace,
    productSub: getProductSub,
    windowExternal: getWindowExternal,
    mimeTypesConsistent: areMimeTypesConsistent,
    evalLength: getEvalLength,
    webGL: getWebGL,
    webDriver: getWebDriver,
    languages: getLanguages,
    notificationPermissions: getNotificationPermissions,
    documentElementKeys: getDocumentElementKeys,
    functionBind: getFunctionBind,
    process: getProcess,
    distinctiveProps: checkDistinctiveProperties
  };
  var BotDetector = class {
    constructor() {
      this.components = void 0;
      this.detections = void 0;
    }
    getComponents() {
      return this.components;
    }
    getDetections() {
      return this.detections;
    }
    /**
     * @inheritdoc
     */
    detect() {
      if (this.components === void 0) {
        throw new Error("BotDetector.detect can't be called before BotDetector.collect");
      }
      const [detections, finalDetection] = detect(this.components, detectors);
      this.detections = detections;
      return finalDetection;
    }
    /**
     * @inheritdoc
     */
    async collect() {
      this.components = await collect(sources);
      return this.components;
    }
  };
  function monitor() {
    if (window.__fpjs_d_m || Math.random() >= 1e-3) {
      return;
    }
    try {
      const request = new XMLHttpRequest();
      request.open("get", `https://m1.openfpcdn.io/botd/v${version}/npm-monitoring`, true);
      request.send();
    } catch (error) {
      console.error(error);
    }
  }
  async function load({ monitoring = true } = {}) {
    if (monitoring) {
      monitor();
    }
    const detector = new BotDetector();
    await detector.collect();
    return detector;
  }

  // node_modules/fpscanner/dist/fpScanner.es.js
  function ne() {
    return navigator.webdriver;
  }
  function ie() {
    return navigator.userAgent;
  }
  function ae() {
    return navigator.platform;
  }
  var l = "ERROR";
  var r = "INIT";
  var s = "NA";
  var f = "SKIPPED";
  var d = "high";
  var b = "low";
  var oe = "medium";
  function p(t) {
    let e = 0;
    for (let n = 0, i = t.length; n < i; n++) {
      let a = t.charCodeAt(n);
      e = (e << 5) - e + a, e |= 0;
    }
    return e.toString(16).padStart(8, "0");
  }
  function h(t, e) {
    for (const n in t)
      t[n] = e;
  }
  function se() {
    return navigator.buildID === "20181001000000";
  }
  function ce() {
    try {
      let t = false;
      const e = Error.prepareStackTrace;
      Error.prepareStackTrace = function() {
        return t = true, e;
      };
      const n = new Error("");
      return console.log(n), t;
    } catch {
      return l;
    }
  }
  function le() {
    const t = {
      vendor: r,
      renderer: r
    };
    if (se())
      return h(t, s), t;
    try {
      var e = document.createElement("canvas"), n = e.getContext("webgl") || e.getContext("experimental-webgl");
      n.getSupportedExtensions().indexOf("WEBGL_debug_renderer_info") >= 0 ? (t.vendor = n.getParameter(n.getExtension("WEBGL_debug_renderer_info").UNMASKED_VENDOR_WEBGL), t.renderer = n.getParameter(n.getExtension("WEBGL_debug_renderer_info").UNMASKED_RENDERER_WEBGL)) : h(t, s);
    } catch {
      h(t, l);
    }
    return t;
  }
  function ue() {
    return "__pwInitScripts" in window || "__playwright__binding__" in window;
  }
  function de() {
    return navigator.hardwareConcurrency || s;
  }
  function he() {
    const t = [], e = 0.123456789;
    return ["E", "LN10", "LN2", "LOG10E", "LOG2E", "PI", "SQRT1_2", "SQRT2"].forEach(function(a) {
      try {
        t.push(Math[a]);
      } catch {
        t.push(-1);
      }
    }), ["tan", "sin", "exp", "atan", "acosh", "asinh", "atanh", "expm1", "log1p", "sinh"].forEach(function(a) {
      try {
        t.push(Math[a](e));
      } catch {
        t.push(-1);
      }
    }), p(t.map(String).join(","));
  }
  function ge() {
    return navigator.deviceMemory || s;
  }
  function me() {
    return eval.toString().length;
  }
  function pe() {
    const t = {
      timezone: r,
      localeLanguage: r
    };
    try {
      if (typeof Intl < "u" && typeof Intl.DateTimeFormat < "u") {
        const e = Intl.DateTimeFormat().resolvedOptions();
        t.timezone = e.timeZone, t.localeLanguage = e.locale;
      } else
        t.timezone = s, t.localeLanguage = s;
    } catch {
      t.timezone = l, t.localeLanguage = l;
    }
    return t;
  }
  function fe() {
    return {
      width: window.screen.width,
      height: window.screen.height,
      pixelDepth: window.screen.pixelDepth,
      colorDepth: window.screen.colorDepth,
      availableWidth: window.screen.availWidth,
      availableHeight: window.screen.availHeight,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      hasMultipleDisplays: typeof screen.isExtended < "u" ? screen.isExtended : s
    };
  }
  function ve() {
    return {
      languages: navigator.languages,
      language: navigator.language
    };
  }
  async function we() {
    const t = {
      vendor: r,
      architecture: r,
      device: r,
      description: r
    };
    if ("gpu" in navigator)
      try {
        const e = await navigator.gpu.requestAdapter();
        e && (t.vendor = e.info.vendor, t.architecture = e.info.architecture, t.device = e.info.device, t.description = e.info.description);
      } catch {
        h(t, l);
      }
    else
      h(t, s);
    return t;
  }
  function ye() {
    const t = [
      "__driver_evaluate",
      "__webdriver_evaluate",
      "__selenium_evaluate",
      "__fxdriver_evaluate",
      "__driver_unwrapped",
      "__webdriver_unwrapped",
      "__selenium_unwrapped",
      "__fxdriver_unwrapped",
      "_Selenium_IDE_Recorder",
      "_selenium",
      "calledSelenium",
      "$cdc_asdjflasutopfhvcZLmcfl_",
      "$chrome_asyncScriptInfo",
      "__$webdriverAsyncExecutor",
      "webdriver",
      "__webdriverFunc",
      "domAutomation",
      "domAutomationController",
      "__lastWatirAlert",
      "__lastWatirConfirm",
      "__lastWatirPrompt",
      "__webdriver_script_fn",
      "_WEBDRIVER_ELEM_CACHE"
    ];
    let e = false;
    for (let n = 0; n < t.length; n++)
      if (t[n] in window) {
        e = true;
        break;
      }
    return e = e || !!document.__webdriver_script_fn || !!window.domAutomation || !!window.domAutomationController, e;
  }
  function be() {
    try {
      const t = "webdriver", e = window.navigator;
      if (!e[t] && !e.hasOwnProperty(t)) {
        e[t] = 1;
        const n = e[t] === 1;
        return delete e[t], n;
      }
      return true;
    } catch {
      return false;
    }
  }
  async function Se() {
    const t = window.navigator, e = {
      architecture: r,
      bitness: r,
      brands: r,
      mobile: r,
      model: r,
      platform: r,
      platformVersion: r,
      uaFullVersion: r
    };
    if ("userAgentData" in t)
      try {
        const n = await t.userAgentData.getHighEntropyValues([
          "architecture",
          "bitness",
          "brands",
          "mobile",
          "model",
          "platform",
          "platformVersion",
          "uaFullVersion"
        ]);
        e.architecture = n.architecture, e.bitness = n.bitness, e.brands = n.brands, e.mobile = n.mobile, e.model = n.model, e.platform = n.platform, e.platformVersion = n.platformVersion, e.uaFullVersion = n.uaFullVersion;
      } catch {
        h(e, l);
      }
    else
      h(e, s);
    return e;
  }
  function Ce() {
    if (!navigator.plugins) return false;
    const t = typeof navigator.plugins.toString == "function" ? navigator.plugins.toString() : navigator.plugins.constructor && typeof navigator.plugins.constructor.toString == "function" ? navigator.plugins.constructor.toString() : typeof navigator.plugins;
    return t === "[object PluginArray]" || t === "[object MSPluginsCollection]" || t === "[object HTMLPluginsCollection]";
  }
  function Ae() {
    if (!navigator.plugins) return s;
    const t = [];
    for (let e = 0; e < navigator.plugins.length; e++)
      t.push(navigator.plugins[e].name);
    return p(t.join(","));
  }
  function Pe() {
    return navigator.plugins ? navigator.plugins.length : s;
  }
  function xe() {
    if (!navigator.plugins) return s;
    try {
      return navigator.plugins[0] === navigator.plugins[0][0].enabledPlugin;
    } catch {
      return l;
    }
  }
  function We() {
    if (!navigator.plugins) return s;
    try {
      return navigator.plugins.item(4294967296) !== navigator.plugins[0];
    } catch {
      return l;
    }
  }
  function Me() {
    const t = {
      isValidPluginArray: r,
      pluginCount: r,
      pluginNamesHash: r,
      pluginConsistency1: r,
      pluginOverflow: r
    };
    try {
      t.isValidPluginArray = Ce(), t.pluginCount = Pe(), t.pluginNamesHash = Ae(), t.pluginConsistency1 = xe(), t.pluginOverflow = We();
    } catch {
      h(t, l);
    }
    return t;
  }
  async function Ee() {
    return new Promise(async function(t) {
      var e = {
        audiooutput: 0,
        audioinput: 0,
        videoinput: 0
      };
      if (navigator.mediaDevices && navigator.mediaDevices.enumerateDevices) {
        const a = await navigator.mediaDevices.enumerateDevices();
        if (typeof a < "u") {
          for (var n = 0; n < a.length; n++) {
            var i = a[n].kind;
            e[i] = e[i] + 1;
          }
          return t({
            speakers: e.audiooutput,
            microphones: e.audioinput,
            webcams: e.videoinput
          });
        } else
          return h(e, s), t(e);
      } else
        return h(e, s), t(e);
    });
  }
  function ke() {
    const t = {
      webdriver: r,
      userAgent: r,
      platform: r,
      memory: r,
      cpuCount: r,
      language: r
    }, e = document.createElement("iframe");
    let n = false;
    try {
      e.style.display = "none", e.src = "about:blank", document.body.appendChild(e), n = true;
      const i = e.contentWindow?.navigator;
      t.webdriver = i.webdriver ?? false, t.userAgent = i.userAgent ?? s, t.platform = i.platform ?? s, t.memory = i.deviceMemory ?? s, t.cpuCount = i.hardwareConcurrency ?? s, t.language = i.language ?? s;
    } catch {
      h(t, l);
    } finally {
      if (n)
        try {
          document.body.removeChild(e);
        } catch {
        }
    }
    return t;
  }
  async function De() {
    return new Promise((t) => {
      const e = {
        vendor: r,
        renderer: r,
        userAgent: r,
        language: r,
        platform: r,
        memory: r,
        cpuCount: r
      };
      let n = null, i = null, a = null;
      const g = () => {
        a && clearTimeout(a), n && n.terminate(), i && URL.revokeObjectURL(i);
      };
      try {
        const m = `try {
                var fingerprintWorker = {};

                fingerprintWorker.userAgent = navigator.userAgent;
                fingerprintWorker.language = navigator.language;
                fingerprintWorker.cpuCount = navigator.hardwareConcurrency;
                fingerprintWorker.platform = navigator.platform;
                fingerprintWorker.memory = navigator.deviceMemory;
                

                var canvas = new OffscreenCanvas(1, 1);
                fingerprintWorker.vendor = 'INIT';
                fingerprintWorker.renderer = 'INIT';
                var gl = canvas.getContext('webgl');
                const isFirefox = navigator.userAgent.includes('Firefox');
                try {
                    if (gl && !isFirefox) {
                        var glExt = gl.getExtension('WEBGL_debug_renderer_info');
                        fingerprintWorker.vendor = gl.getParameter(glExt.UNMASKED_VENDOR_WEBGL);
                        fingerprintWorker.renderer = gl.getParameter(glExt.UNMASKED_RENDERER_WEBGL);
                    } else {
                        fingerprintWorker.vendor = 'NA';
                        fingerprintWorker.renderer = 'NA';
                    }
                } catch (_) {
                    fingerprintWorker.vendor = 'ERROR';
                    fingerprintWorker.renderer = 'ERROR';
                }
                self.postMessage(fingerprintWorker);
            } catch (e) {
                self.postMessage(fingerprintWorker);
            }`, w = new Blob([m], { type: "application/javascript" });
        i = URL.createObjectURL(w), n = new Worker(i), a = window.setTimeout(() => {
          g(), h(e, l), t(e);
        }, 2e3), n.onmessage = function(o) {
          try {
            e.vendor = o.data.vendor, e.renderer = o.data.renderer, e.userAgent = o.data.userAgent, e.language = o.data.language, e.platform = o.data.platform, e.memory = o.data.memory, e.cpuCount = o.data.cpuCount;
          } catch {
            h(e, l);
          } finally {
            g(), t(e);
          }
        }, n.onerror = function() {
          g(), h(e, l), t(e);
        };
      } catch {
        g(), h(e, l), t(e);
      }
    });
  }
  function _e() {
    const t = {
      toSourceError: r,
      hasToSource: false
    };
    try {
      null.usdfsh;
    } catch (e) {
      t.toSourceError = e.toString();
    }
    try {
      throw "xyz";
    } catch (e) {
      try {
        e.toSource(), t.hasToSource = true;
      } catch {
        t.hasToSource = false;
      }
    }
    return t;
  }
  var S = [
    'audio/mp4; codecs="mp4a.40.2"',
    "audio/mpeg;",
    'audio/webm; codecs="vorbis"',
    'audio/ogg; codecs="vorbis"',
    'audio/wav; codecs="1"',
    'audio/ogg; codecs="speex"',
    'audio/ogg; codecs="flac"',
    'audio/3gpp; codecs="samr"'
  ];
  var C = [
    'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
    'video/mp4; codecs="avc1.42E01E"',
    'video/mp4; codecs="avc1.58A01E"',
    'video/mp4; codecs="avc1.4D401E"',
    'video/mp4; codecs="avc1.64001E"',
    'video/mp4; codecs="mp4v.20.8"',
    'video/mp4; codecs="mp4v.20.240"',
    'video/webm; codecs="vp8"',
    'video/ogg; codecs="theora"',
    'video/ogg; codecs="dirac"',
    'video/3gpp; codecs="mp4v.20.8"',
    'video/x-matroska; codecs="theora"'
  ];
  function A(t, e) {
    const n = {};
    try {
      const i = document.createElement(e);
      for (const a of t)
        try {
          n[a] = i.canPlayType(a) || null;
        } catch {
          n[a] = null;
        }
    } catch {
      for (const i of t)
        n[i] = null;
    }
    return n;
  }
  function P(t) {
    const e = {}, n = window.MediaSource;
    if (!n || typeof n.isTypeSupported != "function") {
      for (const i of t)
        e[i] = null;
      return e;
    }
    for (const i of t)
      try {
        e[i] = n.isTypeSupported(i);
      } catch {
        e[i] = null;
      }
    return e;
  }
  function x(t) {
    try {
      const e = window.RTCRtpReceiver;
      if (e && typeof e.getCapabilities == "function") {
        const n = e.getCapabilities(t);
        return p(JSON.stringify(n));
      }
      return s;
    } catch {
      return l;
    }
  }
  function Re() {
    const t = {
      audioCanPlayTypeHash: s,
      videoCanPlayTypeHash: s,
      audioMediaSourceHash: s,
      videoMediaSourceHash: s,
      rtcAudioCapabilitiesHash: s,
      rtcVideoCapabilitiesHash: s,
      hasMediaSource: false
    };
    try {
      t.hasMediaSource = !!window.MediaSource;
      const e = A(S, "audio"), n = A(C, "video");
      t.audioCanPlayTypeHash = p(JSON.stringify(e)), t.videoCanPlayTypeHash = p(JSON.stringify(n));
      const i = P(S), a = P(C);
      t.audioMediaSourceHash = p(JSON.stringify(i)), t.videoMediaSourceHash = p(JSON.stringify(a)), t.rtcAudioCapabilitiesHash = x("audio"), t.rtcVideoCapabilitiesHash = x("video");
    } catch {
      h(t, l);
    }
    return t;
  }
  async function Ie() {
    return new Promise((t) => {
      try {
        const e = new Image(), n = document.createElement("canvas").getContext("2d");
        e.onload = () => {
          n.drawImage(e, 0, 0), t(n.getImageData(0, 0, 1, 1).data.filter((i) => i === 0).length != 4);
        }, e.onerror = () => {
          t(l);
        }, e.src = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVQYV2NgAAIAAAUAAarVyFEAAAAASUVORK5CYII=";
      } catch {
        t(l);
      }
    });
  }
  function Le() {
    var t = document.createElement("canvas");
    t.width = 400, t.height = 200, t.style.display = "inline";
    var e = t.getContext("2d");
    try {
      return e.rect(0, 0, 10, 10), e.rect(2, 2, 6, 6), e.textBaseline = "alphabetic", e.fillStyle = "#f60", e.fillRect(125, 1, 62, 20), e.fillStyle = "#069", e.font = "11pt no-real-font-123", e.fillText("Cwm fjordbank glyphs vext quiz, \u{1F603}", 2, 15), e.fillStyle = "rgba(102, 204, 0, 0.2)", e.font = "18pt Arial", e.fillText("Cwm fjordbank glyphs vext quiz, \u{1F603}", 4, 45), e.globalCompositeOperation = "multiply", e.fillStyle = "rgb(255,0,255)", e.beginPath(), e.arc(50, 50, 50, 0, 2 * Math.PI, true), e.closePath(), e.fill(), e.fillStyle = "rgb(0,255,255)", e.beginPath(), e.arc(100, 50, 50, 0, 2 * Math.PI, true), e.closePath(), e.fill(), e.fillStyle = "rgb(255,255,0)", e.beginPath(), e.arc(75, 100, 50, 0, 2 * Math.PI, true), e.closePath(), e.fill(), e.fillStyle = "rgb(255,0,255)", e.arc(75, 75, 75, 0, 2 * Math.PI, true), e.arc(75, 75, 25, 0, 2 * Math.PI, true), e.fill("evenodd"), p(t.toDataURL());
    } catch {
      return l;
    }
  }
  async function Te() {
    const t = {
      hasModifiedCanvas: r,
      canvasFingerprint: r
    };
    return t.hasModifiedCanvas = await Ie(), t.canvasFingerprint = Le(), t;
  }
  function He() {
    const t = ["deviceMemory", "hardwareConcurrency", "language", "languages", "platform"], e = [];
    for (const n of t) {
      const i = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(navigator), n);
      i && i.value ? e.push("1") : e.push("0");
    }
    return e.join("");
  }
  function Oe() {
    return Math.random().toString(36).substring(2, 15);
  }
  function Fe() {
    return (/* @__PURE__ */ new Date()).getTime();
  }
  function Ue() {
    return window.location.href;
  }
  function W(t, e) {
    const n = t.signals;
    return e === "iframe" ? n.contexts.iframe.webdriver !== n.automation.webdriver || n.contexts.iframe.userAgent !== n.browser.userAgent || n.contexts.iframe.platform !== n.device.platform || n.contexts.iframe.memory !== n.device.memory || n.contexts.iframe.cpuCount !== n.device.cpuCount : n.contexts.webWorker.webdriver !== n.automation.webdriver || n.contexts.webWorker.userAgent !== n.browser.userAgent || n.contexts.webWorker.platform !== n.device.platform || n.contexts.webWorker.memory !== n.device.memory || n.contexts.webWorker.cpuCount !== n.device.cpuCount;
  }
  function Ve() {
    const t = {
      bitmask: r,
      extensions: []
    }, e = document.body.hasAttribute("data-gr-ext-installed"), n = typeof window.ethereum < "u", i = document.getElementById("coupon-birds-drop-div") !== null, a = document.querySelector("deepl-input-controller") !== null, g = document.getElementById("monica-content-root") !== null, m = document.querySelector("chatgpt-sidebar") !== null, w = typeof window.__REQUESTLY__ < "u", o = Array.from(document.querySelectorAll("*")).filter((v) => v.tagName.toLowerCase().startsWith("veepn-")).length > 0;
    return t.bitmask = [
      e ? "1" : "0",
      n ? "1" : "0",
      i ? "1" : "0",
      a ? "1" : "0",
      g ? "1" : "0",
      m ? "1" : "0",
      w ? "1" : "0",
      o ? "1" : "0"
    ].join(""), e && t.extensions.push("grammarly"), n && t.extensions.push("metamask"), i && t.extensions.push("coupon-birds"), a && t.extensions.push("deepl"), g && t.extensions.push("monica-ai"), m && t.extensions.push("sider-ai"), w && t.extensions.push("requestly"), o && t.extensions.push("veepn"), t;
  }
  function c(t) {
    try {
      return t();
    } catch {
      return false;
    }
  }
  function Ge() {
    const t = {
      bitmask: r,
      chrome: c(() => "chrome" in window),
      brave: c(() => "brave" in navigator),
      applePaySupport: c(() => "ApplePaySetup" in window),
      opera: c(() => typeof window.opr < "u" || typeof window.onoperadetachedviewchange == "object"),
      serial: c(() => window.navigator.serial !== void 0),
      attachShadow: c(() => !!Element.prototype.attachShadow),
      caches: c(() => !!window.caches),
      webAssembly: c(() => !!window.WebAssembly && !!window.WebAssembly.instantiate),
      buffer: c(() => "Buffer" in window),
      showModalDialog: c(() => "showModalDialog" in window),
      safari: c(() => "safari" in window),
      webkitPrefixedFunction: c(() => "webkitCancelAnimationFrame" in window),
      mozPrefixedFunction: c(() => "mozGetUserMedia" in navigator),
      usb: c(() => typeof window.USB == "function"),
      browserCapture: c(() => typeof window.BrowserCaptureMediaStreamTrack == "function"),
      paymentRequestUpdateEvent: c(() => typeof window.PaymentRequestUpdateEvent == "function"),
      pressureObserver: c(() => typeof window.PressureObserver == "function"),
      audioSession: c(() => "audioSession" in navigator),
      selectAudioOutput: c(() => typeof navigator < "u" && typeof navigator.mediaDevices < "u" && typeof navigator.mediaDevices.selectAudioOutput == "function"),
      barcodeDetector: c(() => "BarcodeDetector" in window),
      battery: c(() => "getBattery" in navigator),
      devicePosture: c(() => "DevicePosture" in window),
      documentPictureInPicture: c(() => "documentPictureInPicture" in window),
      eyeDropper: c(() => "EyeDropper" in window),
      editContext: c(() => "EditContext" in window),
      fencedFrame: c(() => "FencedFrameConfig" in window),
      sanitizer: c(() => "Sanitizer" in window),
      otpCredential: c(() => "OTPCredential" in window)
    }, e = Object.keys(t).filter((n) => n !== "bitmask").map((n) => t[n] ? "1" : "0").join("");
    return t.bitmask = e, t;
  }
  function Be() {
    const t = {
      prefersColorScheme: r,
      prefersReducedMotion: r,
      prefersReducedTransparency: r,
      colorGamut: r,
      pointer: r,
      anyPointer: r,
      hover: r,
      anyHover: r,
      colorDepth: r
    };
    try {
      window.matchMedia("(prefers-color-scheme: dark)").matches ? t.prefersColorScheme = "dark" : window.matchMedia("(prefers-color-scheme: light)").matches ? t.prefersColorScheme = "light" : t.prefersColorScheme = null, t.prefersReducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches, t.prefersReducedTransparency = window.matchMedia("(prefers-reduced-transparency: reduce)").matches, window.matchMedia("(color-gamut: rec2020)").matches ? t.colorGamut = "rec2020" : window.matchMedia("(color-gamut: p3)").matches ? t.colorGamut = "p3" : window.matchMedia("(color-gamut: srgb)").matches ? t.colorGamut = "srgb" : t.colorGamut = null, window.matchMedia("(pointer: fine)").matches ? t.pointer = "fine" : window.matchMedia("(pointer: coarse)").matches ? t.pointer = "coarse" : window.matchMedia("(pointer: none)").matches ? t.pointer = "none" : t.pointer = null, window.matchMedia("(any-pointer: fine)").matches ? t.anyPointer = "fine" : window.matchMedia("(any-pointer: coarse)").matches ? t.anyPointer = "coarse" : window.matchMedia("(any-pointer: none)").matches ? t.anyPointer = "none" : t.anyPointer = null, t.hover = window.matchMedia("(hover: hover)").matches, t.anyHover = window.matchMedia("(any-hover: hover)").matches;
      let e = 0;
      for (let n = 0; n <= 16; n++)
        window.matchMedia(`(color: ${n})`).matches && (e = n);
      t.colorDepth = e;
    } catch {
      h(t, l);
    }
    return t;
  }
  function je(t) {
    const e = t.signals.device.screenResolution;
    return e.width === 800 && e.height === 600 || e.availableWidth === 800 && e.availableHeight === 600 || e.innerWidth === 800 && e.innerHeight === 600;
  }
  function Ne(t) {
    return t.signals.automation.webdriver === true;
  }
  function ze(t) {
    return !!t.signals.automation.selenium;
  }
  function $e(t) {
    return t.signals.automation.cdp === true;
  }
  function Qe(t) {
    return t.signals.automation.playwright === true;
  }
  function qe(t) {
    return typeof t.signals.device.memory != "number" ? false : t.signals.device.memory > 32 || t.signals.device.memory < 0.25;
  }
  function Ke(t) {
    return typeof t.signals.device.cpuCount != "number" ? false : t.signals.device.cpuCount > 70;
  }
  function Je(t) {
    const e = t.signals.browser.userAgent;
    return t.signals.browser.features.chrome === false && typeof e == "string" && e.includes("Chrome");
  }
  function Ye(t) {
    return t.signals.contexts.iframe.webdriver === true;
  }
  function Ze(t) {
    return t.signals.contexts.webWorker.webdriver === true;
  }
  function Xe(t) {
    const e = t.signals.contexts.webWorker, n = t.signals.graphics.webGL;
    return e.vendor === l || e.renderer === l || n.vendor === s || n.renderer === s || e.vendor === f ? false : e.vendor !== n.vendor || e.renderer !== n.renderer;
  }
  function et(t) {
    return t.signals.contexts.webWorker.platform === s || t.signals.contexts.webWorker.platform === l || t.signals.contexts.webWorker.platform === f ? false : t.signals.device.platform !== t.signals.contexts.webWorker.platform;
  }
  function tt(t) {
    return t.signals.contexts.iframe.platform === s || t.signals.contexts.iframe.platform === l ? false : t.signals.device.platform !== t.signals.contexts.iframe.platform;
  }
  function rt(t) {
    return t.signals.automation.webdriverWritable === true;
  }
  function nt(t) {
    return t.signals.graphics.webGL.renderer.includes("SwiftShader");
  }
  function it(t) {
    return t.signals.locale.internationalization.timezone === "UTC";
  }
  function at(t) {
    const e = t.signals.locale.languages.languages, n = t.signals.locale.languages.language;
    return n && e && Array.isArray(e) && e.length > 0 ? e[0] !== n : false;
  }
  function ot(t) {
    return !!(t.signals.browser.features.chrome && t.signals.browser.etsl !== 33 || t.signals.browser.features.safari && t.signals.browser.etsl !== 37 || t.signals.browser.userAgent.includes("Firefox") && t.signals.browser.etsl !== 37);
  }
  function st(t) {
    return [
      t.signals.browser.userAgent,
      t.signals.contexts.iframe.userAgent,
      t.signals.contexts.webWorker.userAgent
    ].some((n) => /bot|headless/i.test(n.toLowerCase()));
  }
  function ct(t) {
    const e = t.signals.graphics.webgpu, n = t.signals.graphics.webGL, i = t.signals.browser.userAgent;
    return !!((n.vendor.includes("Apple") || n.renderer.includes("Apple")) && !i.includes("Mac") || e.vendor.includes("apple") && !i.includes("Mac") || e.vendor.includes("apple") && !n.renderer.includes("Apple"));
  }
  function lt(t) {
    const e = t.signals.device.platform, n = t.signals.browser.userAgent, i = t.signals.browser.highEntropyValues.platform;
    return !!(n.includes("Mac") && (e.includes("Win") || e.includes("Linux")) || n.includes("Windows") && (e.includes("Mac") || e.includes("Linux")) || n.includes("Linux") && (e.includes("Mac") || e.includes("Win")) || i !== l && i !== s && (i.includes("Mac") && (e.includes("Win") || e.includes("Linux")) || i.includes("Windows") && (e.includes("Mac") || e.includes("Linux")) || i.includes("Linux") && (e.includes("Mac") || e.includes("Win"))));
  }
  async function ut(t, e) {
    const n = new TextEncoder().encode(e), i = new TextEncoder().encode(t), a = new Uint8Array(i.length);
    for (let m = 0; m < i.length; m++)
      a[m] = i[m] ^ n[m % n.length];
    const g = String.fromCharCode(...a);
    return btoa(g);
  }
  var ht = class {
    constructor() {
      this.fingerprint = {
        signals: {
          // Automation/Bot detection signals
          automation: {
            webdriver: r,
            webdriverWritable: r,
            selenium: r,
            cdp: r,
            playwright: r,
            navigatorPropertyDescriptors: r
          },
          // Device hardware characteristics
          device: {
            cpuCount: r,
            memory: r,
            platform: r,
            screenResolution: {
              width: r,
              height: r,
              pixelDepth: r,
              colorDepth: r,
              availableWidth: r,
              availableHeight: r,
              innerWidth: r,
              innerHeight: r,
              hasMultipleDisplays: r
            },
            multimediaDevices: {
              speakers: r,
              microphones: r,
              webcams: r
            },
            mediaQueries: {
              prefersColorScheme: r,
              prefersReducedMotion: r,
              prefersReducedTransparency: r,
              colorGamut: r,
              pointer: r,
              anyPointer: r,
              hover: r,
              anyHover: r,
              colorDepth: r
            }
          },
          // Browser identity & features
          browser: {
            userAgent: r,
            features: {
              bitmask: r,
              chrome: r,
              brave: r,
              applePaySupport: r,
              opera: r,
              serial: r,
              attachShadow: r,
              caches: r,
              webAssembly: r,
              buffer: r,
              showModalDialog: r,
              safari: r,
              webkitPrefixedFunction: r,
              mozPrefixedFunction: r,
              usb: r,
              browserCapture: r,
              paymentRequestUpdateEvent: r,
              pressureObserver: r,
              audioSession: r,
              selectAudioOutput: r,
              barcodeDetector: r,
              battery: r,
              devicePosture: r,
              documentPictureInPicture: r,
              eyeDropper: r,
              editContext: r,
              fencedFrame: r,
              sanitizer: r,
              otpCredential: r
            },
            plugins: {
              isValidPluginArray: r,
              pluginCount: r,
              pluginNamesHash: r,
              pluginConsistency1: r,
              pluginOverflow: r
            },
            extensions: {
              bitmask: r,
              extensions: r
            },
            highEntropyValues: {
              architecture: r,
              bitness: r,
              brands: r,
              mobile: r,
              model: r,
              platform: r,
              platformVersion: r,
              uaFullVersion: r
            },
            etsl: r,
            maths: r,
            toSourceError: {
              toSourceError: r,
              hasToSource: r
            }
          },
          // Graphics & rendering
          graphics: {
            webGL: {
              vendor: r,
              renderer: r
            },
            webgpu: {
              vendor: r,
              architecture: r,
              device: r,
              description: r
            },
            canvas: {
              hasModifiedCanvas: r,
              canvasFingerprint: r
            }
          },
          // Media codecs (at root level)
          codecs: {
            audioCanPlayTypeHash: r,
            videoCanPlayTypeHash: r,
            audioMediaSourceHash: r,
            videoMediaSourceHash: r,
            rtcAudioCapabilitiesHash: r,
            rtcVideoCapabilitiesHash: r,
            hasMediaSource: r
          },
          // Locale & internationalization
          locale: {
            internationalization: {
              timezone: r,
              localeLanguage: r
            },
            languages: {
              languages: r,
              language: r
            }
          },
          // Isolated execution contexts
          contexts: {
            iframe: {
              webdriver: r,
              userAgent: r,
              platform: r,
              memory: r,
              cpuCount: r,
              language: r
            },
            webWorker: {
              webdriver: r,
              userAgent: r,
              platform: r,
              memory: r,
              cpuCount: r,
              language: r,
              vendor: r,
              renderer: r
            }
          }
        },
        fsid: r,
        nonce: r,
        time: r,
        url: r,
        fastBotDetection: false,
        fastBotDetectionDetails: {
          headlessChromeScreenResolution: { detected: false, severity: "high" },
          hasWebdriver: { detected: false, severity: "high" },
          hasWebdriverWritable: { detected: false, severity: "high" },
          hasSeleniumProperty: { detected: false, severity: "high" },
          hasCDP: { detected: false, severity: "high" },
          hasPlaywright: { detected: false, severity: "high" },
          hasImpossibleDeviceMemory: { detected: false, severity: "high" },
          hasHighCPUCount: { detected: false, severity: "high" },
          hasMissingChromeObject: { detected: false, severity: "high" },
          hasWebdriverIframe: { detected: false, severity: "high" },
          hasWebdriverWorker: { detected: false, severity: "high" },
          hasMismatchWebGLInWorker: { detected: false, severity: "high" },
          hasMismatchPlatformIframe: { detected: false, severity: "high" },
          hasMismatchPlatformWorker: { detected: false, severity: "high" },
          hasSwiftshaderRenderer: { detected: false, severity: "low" },
          hasUTCTimezone: { detected: false, severity: "medium" },
          hasMismatchLanguages: { detected: false, severity: "low" },
          hasInconsistentEtsl: { detected: false, severity: "high" },
          hasBotUserAgent: { detected: false, severity: "high" },
          hasGPUMismatch: { detected: false, severity: "high" },
          hasPlatformMismatch: { detected: false, severity: "high" }
        }
      };
    }
    async collectSignal(e) {
      try {
        return await e();
      } catch {
        return l;
      }
    }
    /**
     * Generate a JA4-inspired fingerprint scanner ID
     * Format: FS1_<det>_<auto>_<dev>_<brw>_<gfx>_<cod>_<loc>_<ctx>
     * 
     * Each section is delimited by '_', allowing partial matching.
     * Sections use the pattern: <bitmask>h<hash> where applicable.
     * Bitmasks are extensible - new boolean fields are appended without breaking existing positions.
     * 
     * Sections:
     * - det:  fastBotDetectionDetails bitmask (21 bits: headlessChromeScreenResolution, hasWebdriver, 
     *         hasWebdriverWritable, hasSeleniumProperty, hasCDP, hasPlaywright, hasImpossibleDeviceMemory,
     *         hasHighCPUCount, hasMissingChromeObject, hasWebdriverIframe, hasWebdriverWorker,
     *         hasMismatchWebGLInWorker, hasMismatchPlatformIframe, hasMismatchPlatformWorker,
     *         hasMismatchLanguages, hasInconsistentEtsl, hasBotUserAgent, hasGPUMismatch, hasPlatformMismatch)
     * - auto: automation bitmask (5 bits: webdriver, webdriverWritable, selenium, cdp, playwright) + hash
     * - dev:  WIDTHxHEIGHT + cpu + mem + device bitmask + hash of all device signals
     * - brw:  features.bitmask + extensions.bitmask + plugins bitmask (3 bits) + hash of browser signals
     * - gfx:  canvas bitmask (1 bit: hasModifiedCanvas) + hash of all graphics signals
     * - cod:  codecs bitmask (1 bit: hasMediaSource) + hash of all codec hashes
     * - loc:  language code (2 chars) + language count + hash of locale signals
     * - ctx:  context mismatch bitmask (2 bits: iframe, worker) + hash of all context signals
     */
    generateFingerprintScannerId() {
      try {
        const e = this.fingerprint.signals, n = this.fingerprint.fastBotDetectionDetails, i = "FS1", g = [
          n.headlessChromeScreenResolution.detected,
          n.hasWebdriver.detected,
          n.hasWebdriverWritable.detected,
          n.hasSeleniumProperty.detected,
          n.hasCDP.detected,
          n.hasPlaywright.detected,
          n.hasImpossibleDeviceMemory.detected,
          n.hasHighCPUCount.detected,
          n.hasMissingChromeObject.detected,
          n.hasWebdriverIframe.detected,
          n.hasWebdriverWorker.detected,
          n.hasMismatchWebGLInWorker.detected,
          n.hasMismatchPlatformIframe.detected,
          n.hasMismatchPlatformWorker.detected,
          n.hasSwiftshaderRenderer.detected,
          n.hasUTCTimezone.detected,
          n.hasMismatchLanguages.detected,
          n.hasInconsistentEtsl.detected,
          n.hasBotUserAgent.detected,
          n.hasGPUMismatch.detected,
          n.hasPlatformMismatch.detected
          // Add other detection rules output here
        ].map((u) => u ? "1" : "0").join(""), m = [
          e.automation.webdriver === true,
          e.automation.webdriverWritable === true,
          e.automation.selenium === true,
          e.automation.cdp === true,
          e.automation.playwright === true
        ].map((u) => u ? "1" : "0").join(""), w = p(String(e.automation.navigatorPropertyDescriptors)).slice(0, 4), o = `${m}h${w}`, v = typeof e.device.screenResolution.width == "number" ? e.device.screenResolution.width : 0, y = typeof e.device.screenResolution.height == "number" ? e.device.screenResolution.height : 0, M = typeof e.device.cpuCount == "number" ? String(e.device.cpuCount).padStart(2, "0") : "00", E = typeof e.device.memory == "number" ? String(Math.round(e.device.memory)).padStart(2, "0") : "00", k = [
          e.device.screenResolution.hasMultipleDisplays === true,
          e.device.mediaQueries.prefersReducedMotion === true,
          e.device.mediaQueries.prefersReducedTransparency === true,
          e.device.mediaQueries.hover === true,
          e.device.mediaQueries.anyHover === true
        ].map((u) => u ? "1" : "0").join(""), D = [
          e.device.platform,
          e.device.screenResolution.pixelDepth,
          e.device.screenResolution.colorDepth,
          e.device.multimediaDevices.speakers,
          e.device.multimediaDevices.microphones,
          e.device.multimediaDevices.webcams,
          e.device.mediaQueries.prefersColorScheme,
          e.device.mediaQueries.colorGamut,
          e.device.mediaQueries.pointer,
          e.device.mediaQueries.anyPointer,
          e.device.mediaQueries.colorDepth
        ].map((u) => String(u)).join("|"), _ = p(D).slice(0, 6), R = `${v}x${y}c${M}m${E}b${k}h${_}`, I = typeof e.browser.features.bitmask == "string" ? e.browser.features.bitmask : "0000000000", L = typeof e.browser.extensions.bitmask == "string" ? e.browser.extensions.bitmask : "00000000", T = [
          e.browser.plugins.isValidPluginArray === true,
          e.browser.plugins.pluginConsistency1 === true,
          e.browser.plugins.pluginOverflow === true,
          e.browser.toSourceError.hasToSource === true
        ].map((u) => u ? "1" : "0").join(""), H = [
          e.browser.userAgent,
          e.browser.etsl,
          e.browser.maths,
          e.browser.plugins.pluginCount,
          e.browser.plugins.pluginNamesHash,
          e.browser.toSourceError.toSourceError,
          e.browser.highEntropyValues.architecture,
          e.browser.highEntropyValues.bitness,
          e.browser.highEntropyValues.platform,
          e.browser.highEntropyValues.platformVersion,
          e.browser.highEntropyValues.uaFullVersion,
          e.browser.highEntropyValues.mobile
        ].map((u) => String(u)).join("|"), O = p(H).slice(0, 6), F = `f${I}e${L}p${T}h${O}`, U = [
          e.graphics.canvas.hasModifiedCanvas === true
        ].map((u) => u ? "1" : "0").join(""), V = [
          e.graphics.webGL.vendor,
          e.graphics.webGL.renderer,
          e.graphics.webgpu.vendor,
          e.graphics.webgpu.architecture,
          e.graphics.webgpu.device,
          e.graphics.webgpu.description,
          e.graphics.canvas.canvasFingerprint
        ].map((u) => String(u)).join("|"), G = p(V).slice(0, 6), B = `${U}h${G}`, j = [
          e.codecs.hasMediaSource === true
        ].map((u) => u ? "1" : "0").join(""), N = [
          e.codecs.audioCanPlayTypeHash,
          e.codecs.videoCanPlayTypeHash,
          e.codecs.audioMediaSourceHash,
          e.codecs.videoMediaSourceHash,
          e.codecs.rtcAudioCapabilitiesHash,
          e.codecs.rtcVideoCapabilitiesHash
        ].map((u) => String(u)).join("|"), z = p(N).slice(0, 6), $ = `${j}h${z}`, Q = typeof e.locale.languages.language == "string" ? e.locale.languages.language.slice(0, 2).toLowerCase() : "xx", q = Array.isArray(e.locale.languages.languages) ? e.locale.languages.languages.length : 0, K = (typeof e.locale.internationalization.timezone == "string" ? e.locale.internationalization.timezone : "unknown").replace(/[\/\s]/g, "-"), J = [
          e.locale.internationalization.timezone,
          e.locale.internationalization.localeLanguage,
          Array.isArray(e.locale.languages.languages) ? e.locale.languages.languages.join(",") : e.locale.languages.languages,
          e.locale.languages.language
        ].map((u) => String(u)).join("|"), Y = p(J).slice(0, 4), Z = `${Q}${q}t${K}_h${Y}`, X = [
          W(this.fingerprint, "iframe"),
          W(this.fingerprint, "worker"),
          e.contexts.iframe.webdriver === true,
          e.contexts.webWorker.webdriver === true
        ].map((u) => u ? "1" : "0").join(""), ee = [
          e.contexts.iframe.userAgent,
          e.contexts.iframe.platform,
          e.contexts.iframe.memory,
          e.contexts.iframe.cpuCount,
          e.contexts.iframe.language,
          e.contexts.webWorker.userAgent,
          e.contexts.webWorker.platform,
          e.contexts.webWorker.memory,
          e.contexts.webWorker.cpuCount,
          e.contexts.webWorker.language,
          e.contexts.webWorker.vendor,
          e.contexts.webWorker.renderer
        ].map((u) => String(u)).join("|"), te = p(ee).slice(0, 6), re = `${X}h${te}`;
        return [
          i,
          g,
          o,
          R,
          F,
          B,
          $,
          Z,
          re
        ].join("_");
      } catch (e) {
        return console.error("Error generating fingerprint scanner id", e), l;
      }
    }
    async encryptFingerprint(e) {
      const n = "__DEFAULT_FPSCANNER_KEY__";
      return n.length > 20 && n.indexOf("DEFAULT") > 0 && n.indexOf("FPSCANNER") > 0 && console.warn(
        '[fpscanner] WARNING: Using default encryption key! Run "npx fpscanner build --key=your-secret-key" to inject your own key. See: https://github.com/antoinevastel/fpscanner#advanced-custom-builds'
      ), await ut(JSON.stringify(e), n);
    }
    /**
     * Detection rules with name and severity.
    */
    getDetectionRules() {
      return [
        { name: "headlessChromeScreenResolution", severity: d, test: je },
        { name: "hasWebdriver", severity: d, test: Ne },
        { name: "hasWebdriverWritable", severity: d, test: rt },
        { name: "hasSeleniumProperty", severity: d, test: ze },
        { name: "hasCDP", severity: d, test: $e },
        { name: "hasPlaywright", severity: d, test: Qe },
        { name: "hasImpossibleDeviceMemory", severity: d, test: qe },
        { name: "hasHighCPUCount", severity: d, test: Ke },
        { name: "hasMissingChromeObject", severity: d, test: Je },
        { name: "hasWebdriverIframe", severity: d, test: Ye },
        { name: "hasWebdriverWorker", severity: d, test: Ze },
        { name: "hasMismatchWebGLInWorker", severity: d, test: Xe },
        { name: "hasMismatchPlatformIframe", severity: d, test: tt },
        { name: "hasMismatchPlatformWorker", severity: d, test: et },
        { name: "hasSwiftshaderRenderer", severity: b, test: nt },
        { name: "hasUTCTimezone", severity: oe, test: it },
        { name: "hasMismatchLanguages", severity: b, test: at },
        { name: "hasInconsistentEtsl", severity: d, test: ot },
        { name: "hasBotUserAgent", severity: d, test: st },
        { name: "hasGPUMismatch", severity: d, test: ct },
        { name: "hasPlatformMismatch", severity: d, test: lt }
      ];
    }
    runDetectionRules() {
      const e = this.getDetectionRules(), n = {
        headlessChromeScreenResolution: { detected: false, severity: "high" },
        hasWebdriver: { detected: false, severity: "high" },
        hasWebdriverWritable: { detected: false, severity: "high" },
        hasSeleniumProperty: { detected: false, severity: "high" },
        hasCDP: { detected: false, severity: "high" },
        hasPlaywright: { detected: false, severity: "high" },
        hasImpossibleDeviceMemory: { detected: false, severity: "high" },
        hasHighCPUCount: { detected: false, severity: "high" },
        hasMissingChromeObject: { detected: false, severity: "high" },
        hasWebdriverIframe: { detected: false, severity: "high" },
        hasWebdriverWorker: { detected: false, severity: "high" },
        hasMismatchWebGLInWorker: { detected: false, severity: "high" },
        hasMismatchPlatformIframe: { detected: false, severity: "high" },
        hasMismatchPlatformWorker: { detected: false, severity: "high" },
        hasSwiftshaderRenderer: { detected: false, severity: "low" },
        hasUTCTimezone: { detected: false, severity: "medium" },
        hasMismatchLanguages: { detected: false, severity: "low" },
        hasInconsistentEtsl: { detected: false, severity: "high" },
        hasBotUserAgent: { detected: false, severity: "high" },
        hasGPUMismatch: { detected: false, severity: "high" },
        hasPlatformMismatch: { detected: false, severity: "high" }
      };
      for (const i of e)
        try {
          const a = i.test(this.fingerprint);
          n[i.name] = { detected: a, severity: i.severity };
        } catch {
          n[i.name] = { detected: false, severity: i.severity };
        }
      return n;
    }
    async collectFingerprint(e = { encrypt: true }) {
      const { encrypt: n = true, skipWorker: i = false } = e, a = this.fingerprint.signals, g = {
        // Automation signals
        webdriver: this.collectSignal(ne),
        webdriverWritable: this.collectSignal(be),
        selenium: this.collectSignal(ye),
        cdp: this.collectSignal(ce),
        playwright: this.collectSignal(ue),
        navigatorPropertyDescriptors: this.collectSignal(He),
        // Device signals
        cpuCount: this.collectSignal(de),
        memory: this.collectSignal(ge),
        platform: this.collectSignal(ae),
        screenResolution: this.collectSignal(fe),
        multimediaDevices: this.collectSignal(Ee),
        mediaQueries: this.collectSignal(Be),
        // Browser signals
        userAgent: this.collectSignal(ie),
        browserFeatures: this.collectSignal(Ge),
        plugins: this.collectSignal(Me),
        browserExtensions: this.collectSignal(Ve),
        highEntropyValues: this.collectSignal(Se),
        etsl: this.collectSignal(me),
        maths: this.collectSignal(he),
        toSourceError: this.collectSignal(_e),
        // Graphics signals
        webGL: this.collectSignal(le),
        webgpu: this.collectSignal(we),
        canvas: this.collectSignal(Te),
        // Codecs
        mediaCodecs: this.collectSignal(Re),
        // Locale signals
        internationalization: this.collectSignal(pe),
        languages: this.collectSignal(ve),
        // Context signals
        iframe: this.collectSignal(ke),
        webWorker: i ? Promise.resolve({
          webdriver: f,
          userAgent: f,
          platform: f,
          memory: f,
          cpuCount: f,
          language: f,
          vendor: f,
          renderer: f
        }) : this.collectSignal(De),
        // Meta signals
        nonce: this.collectSignal(Oe),
        time: this.collectSignal(Fe),
        url: this.collectSignal(Ue)
      }, m = Object.keys(g), w = await Promise.all(Object.values(g)), o = Object.fromEntries(m.map((v, y) => [v, w[y]]));
      return a.automation.webdriver = o.webdriver, a.automation.webdriverWritable = o.webdriverWritable, a.automation.selenium = o.selenium, a.automation.cdp = o.cdp, a.automation.playwright = o.playwright, a.automation.navigatorPropertyDescriptors = o.navigatorPropertyDescriptors, a.device.cpuCount = o.cpuCount, a.device.memory = o.memory, a.device.platform = o.platform, a.device.screenResolution = o.screenResolution, a.device.multimediaDevices = o.multimediaDevices, a.device.mediaQueries = o.mediaQueries, a.browser.userAgent = o.userAgent, a.browser.features = o.browserFeatures, a.browser.plugins = o.plugins, a.browser.extensions = o.browserExtensions, a.browser.highEntropyValues = o.highEntropyValues, a.browser.etsl = o.etsl, a.browser.maths = o.maths, a.browser.toSourceError = o.toSourceError, a.graphics.webGL = o.webGL, a.graphics.webgpu = o.webgpu, a.graphics.canvas = o.canvas, a.codecs = o.mediaCodecs, a.locale.internationalization = o.internationalization, a.locale.languages = o.languages, a.contexts.iframe = o.iframe, a.contexts.webWorker = o.webWorker, this.fingerprint.nonce = o.nonce, this.fingerprint.time = o.time, this.fingerprint.url = o.url, this.fingerprint.fastBotDetectionDetails = this.runDetectionRules(), this.fingerprint.fastBotDetection = Object.values(this.fingerprint.fastBotDetectionDetails).some((v) => v.detected), this.fingerprint.fsid = this.generateFingerprintScannerId(), n ? await this.encryptFingerprint(JSON.stringify(this.fingerprint)) : this.fingerprint;
    }
  };

  // detect.js
  var params = new URLSearchParams(location.search);
  var expected = {
    timezone: params.get("tz") || null,
    locale: params.get("locale") || null
  };
  var state = { status: "running", started: Date.now(), expected, errors: [] };
  window.__detect = state;
  function err(where, e) {
    state.errors.push(where + ": " + (e && e.stack ? String(e.stack).split("\n")[0] : String(e)));
  }
  function withTimeout(p2, ms, what) {
    return Promise.race([
      p2,
      new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out after " + ms + "ms")), ms))
    ]);
  }
  async function uaDataInfo(nav) {
    const d2 = nav.userAgentData;
    if (!d2) return null;
    const out = {
      brands: (d2.brands || []).map((b2) => ({ brand: b2.brand, version: b2.version })),
      mobile: d2.mobile,
      platform: d2.platform
    };
    try {
      const hev = await d2.getHighEntropyValues(["fullVersionList", "platform", "platformVersion", "uaFullVersion", "architecture", "bitness", "model"]);
      out.highEntropy = JSON.parse(JSON.stringify(hev));
    } catch (e) {
      out.highEntropyError = String(e);
    }
    return out;
  }
  async function fetchHeaders() {
    const r2 = await fetch("/headers?from=page", { cache: "no-store" });
    return r2.json();
  }
  function navInfo(nav) {
    return {
      webdriver: nav.webdriver,
      hasWebdriver: "webdriver" in nav,
      userAgent: nav.userAgent,
      appVersion: nav.appVersion,
      platform: nav.platform,
      language: nav.language,
      languages: Array.from(nav.languages || []),
      hardwareConcurrency: nav.hardwareConcurrency,
      deviceMemory: nav.deviceMemory
    };
  }
  function frameProbe() {
    return withTimeout(new Promise((resolve) => {
      const onMsg = (ev) => {
        if (ev.data && ev.data.type === "frame-info") {
          window.removeEventListener("message", onMsg);
          resolve(ev.data.info);
        }
      };
      window.addEventListener("message", onMsg);
      const f2 = document.createElement("iframe");
      f2.src = "/frame.html";
      f2.style.cssText = "width:10px;height:10px;border:0";
      document.body.appendChild(f2);
    }), 1e4, "iframe probe");
  }
  function blankFrameProbe() {
    const f2 = document.createElement("iframe");
    f2.src = "about:blank";
    f2.style.display = "none";
    document.body.appendChild(f2);
    try {
      return navInfo(f2.contentWindow.navigator);
    } finally {
      f2.remove();
    }
  }
  function workerProbe() {
    return withTimeout(new Promise((resolve, reject) => {
      const w = new Worker("/worker.js");
      w.onmessage = (ev) => {
        resolve(ev.data);
        w.terminate();
      };
      w.onerror = (e) => reject(new Error("worker error: " + (e.message || "unknown")));
      w.postMessage({ type: "collect" });
    }), 1e4, "dedicated worker probe");
  }
  async function serviceWorkerProbe() {
    if (!("serviceWorker" in navigator)) return { unavailable: "navigator.serviceWorker missing (not a secure context?)" };
    const reg = await withTimeout(navigator.serviceWorker.register("/sw.js", { scope: "/" }), 1e4, "service worker register");
    await withTimeout(navigator.serviceWorker.ready, 1e4, "service worker ready");
    const sw = reg.active || reg.waiting || reg.installing;
    return withTimeout(new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = (ev) => resolve(ev.data);
      sw.postMessage({ type: "collect" }, [ch.port2]);
    }), 1e4, "service worker probe");
  }
  async function notificationInfo() {
    const out = { notificationPermission: typeof Notification !== "undefined" ? Notification.permission : null };
    try {
      const st2 = await navigator.permissions.query({ name: "notifications" });
      out.permissionsQueryState = st2.state;
    } catch (e) {
      out.permissionsQueryError = String(e);
    }
    return out;
  }
  function screenInfo() {
    return {
      width: screen.width,
      height: screen.height,
      availWidth: screen.availWidth,
      availHeight: screen.availHeight,
      colorDepth: screen.colorDepth,
      devicePixelRatio: window.devicePixelRatio,
      outerWidth: window.outerWidth,
      outerHeight: window.outerHeight,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      screenX: window.screenX,
      screenY: window.screenY,
      availLeft: screen.availLeft,
      availTop: screen.availTop
    };
  }
  function geometryProblems(s2) {
    const out = [];
    if (!(s2.availWidth < s2.width || s2.availHeight < s2.height)) out.push("no taskbar: available area = screen");
    const left = s2.availLeft || 0;
    const top = s2.availTop || 0;
    if (s2.screenX < left || s2.screenY < top || s2.screenX + s2.outerWidth > left + s2.availWidth || s2.screenY + s2.outerHeight > top + s2.availHeight) {
      out.push("window outside the available area");
    }
    if (!(s2.outerHeight > s2.innerHeight && s2.outerWidth >= s2.innerWidth)) out.push("no browser chrome: inner size = outer size");
    return out;
  }
  function isChromeBrandList(brands) {
    const names = (brands || []).map((b2) => b2.brand);
    return names.length === 3 && names.includes("Chromium") && names.includes("Google Chrome") && names.some((n) => GREASE.test(n));
  }
  function intlInfo() {
    const o = Intl.DateTimeFormat().resolvedOptions();
    return { timezone: o.timeZone, locale: o.locale, timezoneOffset: (/* @__PURE__ */ new Date()).getTimezoneOffset() };
  }
  async function runBotd() {
    const botd = await load({ monitoring: false });
    const result = botd.detect();
    const detections = botd.getDetections() || {};
    const fired = Object.entries(detections).filter(([, v]) => v && v.bot).map(([k, v]) => ({ detector: k, botKind: v.botKind }));
    return { result, fired };
  }
  async function runFpscanner() {
    const scanner = new ht();
    const fp = await scanner.collectFingerprint({ encrypt: false });
    const rules = fp.fastBotDetectionDetails || {};
    const fired = Object.entries(rules).filter(([, v]) => v && v.detected).map(([k, v]) => ({ rule: k, severity: v.severity }));
    return {
      fastBotDetection: fp.fastBotDetection,
      fired,
      rules,
      fsid: fp.fsid,
      signals: fp.signals
    };
  }
  var HEADLESS = /headless/i;
  var GREASE = /not.?a.?brand/i;
  function uaMajor(ua) {
    const m = /(?:Chrome|Chromium)\/(\d+)/.exec(ua || "");
    return m ? m[1] : null;
  }
  function uaPlatformFamily(ua) {
    if (/Windows/.test(ua)) return "Windows";
    if (/Android/.test(ua)) return "Android";
    if (/CrOS/.test(ua)) return "Chrome OS";
    if (/Macintosh|Mac OS X/.test(ua)) return "macOS";
    if (/Linux|X11/.test(ua)) return "Linux";
    return null;
  }
  function navPlatformFamily(p2) {
    if (/^Win/.test(p2)) return "Windows";
    if (/^Mac/.test(p2)) return "macOS";
    if (/Linux|X11/.test(p2)) return "Linux";
    return null;
  }
  function parseBrandHeader(h2) {
    if (!h2) return [];
    const out = [];
    const re = /"([^"]*)"\s*;\s*v\s*=\s*"([^"]*)"/g;
    let m;
    while (m = re.exec(h2)) out.push({ brand: m[1], version: m[2] });
    return out;
  }
  function brandMajorsMatch(brands, major) {
    const real = (brands || []).filter((b2) => !GREASE.test(b2.brand));
    if (!real.length || !major) return false;
    return real.every((b2) => String(b2.version).split(".")[0] === major);
  }
  function buildChecks(d2) {
    const checks = [];
    const add = (name, ok, detail) => checks.push({ name, ok, detail });
    if (d2.botd) add("botd.bot === false", d2.botd.result && d2.botd.result.bot === false, d2.botd.result);
    else add("botd.bot === false", false, "botd did not run");
    if (d2.fpscanner) {
      const bad = d2.fpscanner.fired.filter((r2) => r2.severity !== "low");
      add("fpscanner: no medium/high rule fired", bad.length === 0, d2.fpscanner.fired);
    } else add("fpscanner: no medium/high rule fired", false, "fpscanner did not run");
    const ctxs = {
      page: d2.page && d2.page.navigator,
      iframe: d2.iframe && d2.iframe.navigator,
      blankIframe: d2.blankIframe,
      worker: d2.worker && d2.worker.navigator,
      serviceWorker: d2.serviceWorker && d2.serviceWorker.navigator
    };
    for (const [k, n] of Object.entries(ctxs)) {
      if (k === "serviceWorker" && d2.serviceWorkerSkipped) continue;
      const isWorker = k === "worker" || k === "serviceWorker";
      const ok = !!n && (isWorker ? n.hasWebdriver === false || n.webdriver === false : n.hasWebdriver === true && n.webdriver === false);
      add(
        (isWorker ? "navigator.webdriver absent/false in " : "navigator.webdriver === false in ") + k,
        ok,
        n ? { webdriver: n.webdriver === void 0 ? "undefined" : n.webdriver, present: n.hasWebdriver } : "context missing"
      );
    }
    const strings = [];
    for (const [k, n] of Object.entries(ctxs)) {
      if (!n) continue;
      strings.push([k + ".userAgent", n.userAgent], [k + ".appVersion", n.appVersion]);
    }
    const uads = {
      page: d2.page && d2.page.userAgentData,
      iframe: d2.iframe && d2.iframe.userAgentData,
      worker: d2.worker && d2.worker.userAgentData,
      serviceWorker: d2.serviceWorker && d2.serviceWorker.userAgentData
    };
    for (const [k, u] of Object.entries(uads)) {
      if (!u) continue;
      strings.push([k + ".brands", JSON.stringify(u.brands)]);
      if (u.highEntropy) strings.push([k + ".fullVersionList", JSON.stringify(u.highEntropy.fullVersionList)]);
    }
    const hdrs = {
      page: d2.headers && d2.headers.page,
      worker: d2.worker && d2.worker.headers,
      serviceWorker: d2.serviceWorker && d2.serviceWorker.headers
    };
    for (const [k, h2] of Object.entries(hdrs)) {
      if (!h2) continue;
      for (const name of ["user-agent", "sec-ch-ua", "sec-ch-ua-full-version-list", "sec-ch-ua-platform"]) {
        if (h2[name] !== void 0) strings.push([k + " header " + name, h2[name]]);
      }
    }
    const headless = strings.filter(([, v]) => HEADLESS.test(String(v)));
    add('no "Headless" in UA/appVersion/brands/fullVersionList/sec-ch-ua* (all contexts)', headless.length === 0, headless.length ? headless : strings.length + " strings checked");
    const pageUA = ctxs.page && ctxs.page.userAgent;
    const uaDiff = [];
    for (const [k, n] of Object.entries(ctxs)) if (n && n.userAgent !== pageUA) uaDiff.push([k, n.userAgent]);
    for (const [k, h2] of Object.entries(hdrs)) if (h2 && h2["user-agent"] !== pageUA) uaDiff.push([k + " header", h2["user-agent"]]);
    add("userAgent identical in page/iframes/workers/headers", uaDiff.length === 0, uaDiff.length ? { page: pageUA, differing: uaDiff } : pageUA);
    const pageH = hdrs.page || {};
    add("sec-ch-ua-full-version-list header received", typeof pageH["sec-ch-ua-full-version-list"] === "string", pageH["sec-ch-ua-full-version-list"] || "missing");
    const major = uaMajor(pageUA);
    const brandSets = [];
    for (const [k, u] of Object.entries(uads)) {
      if (!u) continue;
      brandSets.push([k + ".brands", u.brands]);
      if (u.highEntropy && u.highEntropy.fullVersionList) brandSets.push([k + ".fullVersionList", u.highEntropy.fullVersionList]);
    }
    for (const [k, h2] of Object.entries(hdrs)) {
      if (!h2) continue;
      if (h2["sec-ch-ua"]) brandSets.push([k + " header sec-ch-ua", parseBrandHeader(h2["sec-ch-ua"])]);
      if (h2["sec-ch-ua-full-version-list"]) brandSets.push([k + " header sec-ch-ua-full-version-list", parseBrandHeader(h2["sec-ch-ua-full-version-list"])]);
    }
    const badBrands = brandSets.filter(([, b2]) => !brandMajorsMatch(b2, major));
    add("brand major version == UA major (" + major + ")", brandSets.length > 0 && badBrands.length === 0, badBrands.length ? badBrands : brandSets.length + " brand lists checked");
    const fam = uaPlatformFamily(pageUA);
    const plats = [];
    for (const [k, n] of Object.entries(ctxs)) if (n) plats.push([k + ".navigator.platform", n.platform, navPlatformFamily(n.platform)]);
    for (const [k, u] of Object.entries(uads)) {
      if (!u) continue;
      plats.push([k + ".userAgentData.platform", u.platform, u.platform]);
      if (u.highEntropy) plats.push([k + ".highEntropy.platform", u.highEntropy.platform, u.highEntropy.platform]);
    }
    for (const [k, h2] of Object.entries(hdrs)) {
      if (h2 && h2["sec-ch-ua-platform"]) {
        const v = h2["sec-ch-ua-platform"].replace(/"/g, "");
        plats.push([k + " header sec-ch-ua-platform", h2["sec-ch-ua-platform"], v]);
      }
    }
    const badPlat = plats.filter(([, , f2]) => f2 !== fam);
    add("platform consistent (UA=" + fam + ")", !!fam && badPlat.length === 0, badPlat.length ? badPlat : plats);
    const s2 = d2.page && d2.page.screen;
    if (s2) {
      const is800 = (w, h2) => w === 800 && h2 === 600;
      add("screen not 800x600", !is800(s2.width, s2.height) && !is800(s2.availWidth, s2.availHeight) && !is800(s2.innerWidth, s2.innerHeight), s2);
      add("outerWidth/outerHeight non-zero and <= screen", s2.outerWidth > 0 && s2.outerHeight > 0 && s2.outerWidth <= s2.width && s2.outerHeight <= s2.height, s2);
      const geo = geometryProblems(s2);
      add("desktop geometry: taskbar, window inside the available area, browser chrome (page)", geo.length === 0, geo.length ? { problems: geo, screen: s2 } : s2);
    }
    const fs = d2.iframe && d2.iframe.screen;
    if (fs && s2) {
      const same = ["width", "height", "availWidth", "availHeight", "outerWidth", "outerHeight", "screenX", "screenY"].filter((k) => fs[k] !== s2[k]);
      const geo = geometryProblems(Object.assign({}, fs, { innerWidth: s2.innerWidth, innerHeight: s2.innerHeight }));
      add("desktop geometry in the iframe, as in the page", same.length === 0 && geo.length === 0, same.length || geo.length ? { differing: same, problems: geo, iframe: fs } : fs);
    }
    const notChrome = brandSets.filter(([, b2]) => !isChromeBrandList(b2));
    add("brands are Google Chrome's (page/iframe/workers/headers)", brandSets.length > 0 && notChrome.length === 0, notChrome.length ? notChrome : brandSets.length + " brand lists checked");
    const tzs = [
      ["page", d2.page && d2.page.intl && d2.page.intl.timezone],
      ["iframe", d2.iframe && d2.iframe.intl && d2.iframe.intl.timezone],
      ["worker", d2.worker && d2.worker.intl && d2.worker.intl.timezone]
    ];
    if (!d2.serviceWorkerSkipped) tzs.push(["serviceWorker", d2.serviceWorker && d2.serviceWorker.intl && d2.serviceWorker.intl.timezone]);
    if (expected.timezone) add("timezone == " + expected.timezone + " (page/iframe/workers)", tzs.every(([, v]) => v === expected.timezone), tzs);
    else add("timezone (no ?tz= expectation)", null, tzs);
    const lc = (x2) => x2 == null ? x2 : String(x2).toLowerCase();
    const locs = [
      ["page navigator.language", d2.page && d2.page.navigator.language],
      ["page navigator.languages[0]", d2.page && d2.page.navigator.languages[0]],
      ["page Intl locale", d2.page && d2.page.intl.locale],
      ["iframe navigator.language", d2.iframe && d2.iframe.navigator && d2.iframe.navigator.language],
      ["iframe Intl locale", d2.iframe && d2.iframe.intl && d2.iframe.intl.locale],
      ["worker navigator.language", d2.worker && d2.worker.navigator && d2.worker.navigator.language],
      ["worker Intl locale", d2.worker && d2.worker.intl && d2.worker.intl.locale],
      ["accept-language[0]", pageH["accept-language"] && pageH["accept-language"].split(",")[0].split(";")[0].trim()]
    ];
    if (!d2.serviceWorkerSkipped) {
      locs.push(["serviceWorker navigator.language", d2.serviceWorker && d2.serviceWorker.navigator && d2.serviceWorker.navigator.language]);
      locs.push(["serviceWorker Intl locale", d2.serviceWorker && d2.serviceWorker.intl && d2.serviceWorker.intl.locale]);
    }
    if (expected.locale) add("locale == " + expected.locale, locs.every(([, v]) => lc(v) === lc(expected.locale)), locs);
    else add("locale (no ?locale= expectation)", null, locs);
    if (d2.page) {
      add("plugins.length > 0", d2.page.pluginsLength > 0, d2.page.pluginsLength);
      add("window.chrome present", d2.page.hasChrome === true, d2.page.hasChrome);
      const n = d2.page.notifications || {};
      const mapped = n.notificationPermission === "default" ? "prompt" : n.notificationPermission;
      add("Notification.permission consistent with permissions.query", mapped === n.permissionsQueryState, n);
    }
    return checks;
  }
  async function main() {
    const d2 = {};
    const page = {};
    d2.page = page;
    page.navigator = navInfo(navigator);
    page.screen = screenInfo();
    page.intl = intlInfo();
    page.pluginsLength = navigator.plugins ? navigator.plugins.length : null;
    page.mimeTypesLength = navigator.mimeTypes ? navigator.mimeTypes.length : null;
    page.hasChrome = typeof window.chrome === "object" && window.chrome !== null;
    page.chromeKeys = page.hasChrome ? Object.keys(window.chrome) : [];
    page.hasFocus = document.hasFocus();
    page.visibilityState = document.visibilityState;
    const tasks = {
      uad: uaDataInfo(navigator),
      notifications: notificationInfo(),
      headers: fetchHeaders(),
      iframe: frameProbe(),
      worker: workerProbe(),
      serviceWorker: params.get("skipsw") ? Promise.resolve(null) : serviceWorkerProbe(),
      botd: runBotd(),
      fpscanner: runFpscanner()
    };
    d2.serviceWorkerSkipped = !!params.get("skipsw");
    const keys = Object.keys(tasks);
    const settled = await Promise.allSettled(Object.values(tasks));
    const r2 = {};
    keys.forEach((k, i) => {
      if (settled[i].status === "fulfilled") r2[k] = settled[i].value;
      else {
        r2[k] = null;
        err(k, settled[i].reason);
      }
    });
    page.userAgentData = r2.uad;
    page.notifications = r2.notifications;
    d2.headers = { page: r2.headers };
    d2.iframe = r2.iframe;
    try {
      d2.blankIframe = blankFrameProbe();
    } catch (e) {
      err("blankIframe", e);
    }
    d2.worker = r2.worker;
    d2.serviceWorker = r2.serviceWorker;
    d2.botd = r2.botd;
    d2.fpscanner = r2.fpscanner;
    const checks = buildChecks(d2);
    const failed = checks.filter((c2) => c2.ok === false).map((c2) => c2.name);
    Object.assign(state, d2, {
      checks,
      failed,
      pass: failed.length === 0,
      status: "done",
      elapsedMs: Date.now() - state.started
    });
    const json = JSON.stringify(state);
    window.__detect = JSON.parse(json);
    render(window.__detect);
    return window.__detect;
  }
  function render(res) {
    const v = document.getElementById("verdict");
    if (v) {
      v.textContent = res.pass ? "PASS" : "FAIL: " + res.failed.join("; ");
      v.setAttribute("data-pass", String(res.pass));
      v.setAttribute("data-status", res.status);
    }
    const ul = document.getElementById("checks");
    if (ul) {
      for (const c2 of res.checks) {
        const li = document.createElement("li");
        li.textContent = (c2.ok === null ? "SKIP " : c2.ok ? "ok   " : "FAIL ") + c2.name;
        li.className = c2.ok === null ? "skip" : c2.ok ? "ok" : "fail";
        ul.appendChild(li);
      }
    }
    const pre = document.getElementById("result");
    if (pre) pre.textContent = JSON.stringify(res, null, 2);
  }
  window.__detectReady = main().catch((e) => {
    err("main", e);
    state.status = "error";
    state.pass = false;
    window.__detect = JSON.parse(JSON.stringify(state));
    render(Object.assign({ checks: [], failed: ["main error"] }, window.__detect));
    return window.__detect;
  });
})();
