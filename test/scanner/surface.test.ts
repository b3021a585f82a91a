import { describe, expect, it } from "vitest";
import * as scanner from "../../src/scanner/index.js";

describe("crusades/scanner", () => {
  it("exports: the public surface is exactly this list", () => {
    expect(Object.keys(scanner).sort()).toMatchSnapshot();
  });
});
