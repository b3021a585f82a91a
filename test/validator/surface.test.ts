import { expect, test } from "vitest";
import * as surface from "../../src/validator/index.js";

test("behavior: the crusades/validator surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
