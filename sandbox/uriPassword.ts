import { maskedSecret } from "../provider/schemas";
import { payloadError } from "./errors";

/**
 * A password written into a webhook URI (`http://user:password@host/`) is as secret as `auth.password`:
 * it is shown as `http://user:********@host/` wherever the sandbox shows a URI, and a masked one written
 * back means "keep the stored password". Worked on the text as written, so nothing else in the URI is
 * normalised away.
 */
function userInfo(uri: string) {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(uri);
  if (!scheme) return undefined;
  const authorityStart = scheme[0].length;
  const authorityEnd = uri.slice(authorityStart).search(/[/?#\\]/);
  const authority = uri.slice(authorityStart, authorityEnd < 0 ? undefined : authorityStart + authorityEnd);
  const at = authority.lastIndexOf("@"); // as URL parsers do: the host follows the last "@"
  if (at < 0) return undefined;
  const colon = authority.indexOf(":");
  if (colon < 0 || colon > at) return undefined;
  return {
    // Index of the password's first character, and its end (exclusive).
    start: authorityStart + colon + 1,
    end: authorityStart + at,
    user: authority.slice(0, colon),
    password: authority.slice(colon + 1, at),
    // Scheme, host and port: whether a URI still sends the password to the same place.
    place: `${scheme[0].toLowerCase()}${authority.slice(at + 1).toLowerCase()}`,
  };
}

/** The URI with its password (if any) replaced by the mask. */
export function maskUriPassword(uri: string): string {
  const info = userInfo(uri);
  if (!info || info.password === "") return uri;
  return uri.slice(0, info.start) + maskedSecret + uri.slice(info.end);
}

/** Masks `uri`'s password wherever the URI (as written, or as a URL parser spells it) appears in `text`. */
export function maskUriIn(text: string, uri: string): string {
  const masked = maskUriPassword(uri);
  if (masked === uri) return text;
  const spelled = URL.canParse(uri) ? new URL(uri).href : undefined;
  let result = text.split(uri).join(masked);
  if (spelled) result = result.split(spelled).join(maskUriPassword(spelled));
  return result;
}

/**
 * A URI read back with its password masked gets the stored password again, as long as it still names the
 * same user and place (a masked password must never travel to another host). Any other masked password
 * is refused: the sandbox has nothing to keep.
 */
export function restoreUriPassword(incoming: string, stored: string, handlerId: string): string {
  const info = userInfo(incoming);
  if (!info || info.password !== maskedSecret) return incoming;
  const before = userInfo(stored);
  if (!before || before.user !== info.user || before.place !== info.place) {
    throw payloadError(
      `connectionConfig.uri: its password is masked ("${maskedSecret}") but handler ${handlerId} stores no password for this user and address to keep`,
    );
  }
  return incoming.slice(0, info.start) + before.password + incoming.slice(info.end);
}
