import { expect, test } from "vitest";
import * as surface from "../../src/verify/index.js";

test("behavior: the crusades/verify surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
