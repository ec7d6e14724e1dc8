// Stands in for the whatwg-url package in the bundle (scripts/bundle.mjs). node-fetch 2, grammY's
// HTTP client, requires whatwg-url when it loads but uses node:url's URL wherever Node has one, as
// every Node hookbot runs on does; whatwg-url itself would bring tr46 and its 260 KB Unicode
// mapping table, compiled and parsed at every start with a Telegram bot.
module.exports = { URL, URLSearchParams };
