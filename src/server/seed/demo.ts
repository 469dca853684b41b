export const seedDemo = async (_ctx: unknown): Promise<string> => {
  throw new Error("seed pending");
};
