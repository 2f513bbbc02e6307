// Evaluated by evaluate(url:): the body of an async function, so return works.
const items = [...document.querySelectorAll('li.post')].map((li) => li.id);
return items.join(',');
