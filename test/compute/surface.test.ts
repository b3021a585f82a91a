import { expect, test } from "vitest";
import * as surface from "../../src/compute/index.js";

test("behavior: the crusades/compute surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
