import { expect, test } from "vitest";
import * as surface from "../../src/miner/index.js";

test("behavior: the crusades/miner surface", () => {
  expect(Object.keys(surface).sort()).toMatchSnapshot();
});
