import { z } from "zod";
import { forbiddenHeaderNames, maxCustomHeaders } from "./limits";

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Custom headers: valid names, none DM reserves, at most 20; $variables are allowed in values. */
export const customHeadersSchema = z
  .record(z.string(), z.string({ error: "header values must be strings" }))
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > maxCustomHeaders) {
      ctx.addIssue({
        code: "custom",
        message: `at most ${maxCustomHeaders} headers are allowed, got ${names.length}`,
      });
    }
    for (const name of names) {
      if (!headerName.test(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a valid header name` });
      } else if ((forbiddenHeaderNames as readonly string[]).includes(name.toLowerCase())) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `"${name}" is reserved by DM and cannot be set as a custom header${name.toLowerCase() === "authorization" ? " (use connectionConfig.auth)" : ""}`,
        });
      }
    }
  });
