// Stands in for the undici package in the bundle (scripts/bundle.mjs). @discordjs/rest imports
// undici's request() and Headers for its default way of sending, and its FormData for a fill-in of
// the global the bundle strips; hookbot gives it the kit's client instead (`makeRequest`,
// bots/discord/discord.ts), so none of them is used, and the package (about 9 MB resident once it
// has made a request) is never loaded.
const unused = (name) =>
  function () {
    throw new Error(`undici.${name} is not in this build: give @discordjs/rest a makeRequest`);
  };
export const request = unused('request');
export const Headers = unused('Headers');
export const FormData = unused('FormData');
