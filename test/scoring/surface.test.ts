import { expect, test } from "vitest";
import * as surface from "../../src/scoring/index.js";

test("behavior: the crusades/scoring surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
