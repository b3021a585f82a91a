import { expect, test } from "vitest";
import * as surface from "../../src/evaluation/index.js";

test("behavior: the crusades/evaluation surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
