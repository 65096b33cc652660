import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { normalizeChatContent, requestHash } from "./chat-content.js";

describe("chat content", () => {
  it("strips HTML tags and trims", () => {
    expect(normalizeChatContent("  <b>hello</b> <script>x</script>world <!-- c --> ")).toBe("hello xworld");
    expect(normalizeChatContent("a < b and c > d")).toBe("a < b and c > d");
  });

  it("refuses empty text after stripping and more than 500 characters", () => {
    expect(() => normalizeChatContent("   <i></i>  ")).toThrow(DomainError);
    expect(normalizeChatContent("😀".repeat(500))).toHaveLength(1000);
    expect(() => normalizeChatContent("x".repeat(501))).toThrow(DomainError);
  });

  it("hashes requests canonically: key order does not matter, any value does", () => {
    const a = requestHash({ content: "hi", display_color: "" });
    expect(requestHash({ display_color: "", content: "hi" })).toBe(a);
    expect(requestHash({ content: "hi!", display_color: "" })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
