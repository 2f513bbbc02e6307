package engine

import "context"

// imagesLoadedScript waits until every image of the document has loaded or
// failed.
const imagesLoadedScript = `async function() {
  await Promise.all([...document.images].filter((img) => !img.complete).map((img) => new Promise((done) => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
  })));
  return true;
}`

// waitForImages waits, within ctx, until the main document's images have
// loaded or failed.
func (p *Page) waitForImages(ctx context.Context) error {
	var done bool
	return p.callInWorld(ctx, imagesLoadedScript, &done)
}
