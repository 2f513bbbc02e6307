window.adLoaded = true;
