import { expect, test } from "vitest";
import * as surface from "../../src/config/index.js";

test("behavior: the crusades/config surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
