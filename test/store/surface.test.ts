import { expect, test } from "vitest";
import * as surface from "../../src/store/index.js";

test("behavior: the crusades/store surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
