import { expect, test } from "vitest";
import * as surface from "../../src/mfu/index.js";

test("behavior: the crusades/mfu surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
