// Dedicated worker probe: reports what a worker context sees.
async function collect() {
  const n = self.navigator;
  const info = {
    navigator: {
      webdriver: n.webdriver,
      hasWebdriver: 'webdriver' in n,
      userAgent: n.userAgent,
      appVersion: n.appVersion,
      platform: n.platform,
      language: n.language,
      languages: Array.from(n.languages || []),
      hardwareConcurrency: n.hardwareConcurrency,
      deviceMemory: n.deviceMemory,
    },
    intl: (() => {
      const o = Intl.DateTimeFormat().resolvedOptions();
      return { timezone: o.timeZone, locale: o.locale };
    })(),
    userAgentData: null,
    headers: null,
  };
  if (n.userAgentData) {
    info.userAgentData = {
      brands: n.userAgentData.brands.map((b) => ({ brand: b.brand, version: b.version })),
      mobile: n.userAgentData.mobile,
      platform: n.userAgentData.platform,
    };
    try {
      const hev = await n.userAgentData.getHighEntropyValues(['fullVersionList', 'platform', 'platformVersion']);
      info.userAgentData.highEntropy = JSON.parse(JSON.stringify(hev));
    } catch (e) {
      info.userAgentData.highEntropyError = String(e);
    }
  }
  try {
    const r = await fetch('/headers?from=worker', { cache: 'no-store' });
    info.headers = await r.json();
  } catch (e) {
    info.headersError = String(e);
  }
  return info;
}

self.onmessage = async (ev) => {
  if (ev.data && ev.data.type === 'collect') self.postMessage(await collect());
};
