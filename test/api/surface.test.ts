import { expect, test } from "vitest";
import * as surface from "../../src/api/index.js";

test("behavior: the crusades/api surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
