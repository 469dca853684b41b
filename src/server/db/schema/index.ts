export * from "./cases";
export * from "./customers";
export * from "./people";
export * from "./platform";
