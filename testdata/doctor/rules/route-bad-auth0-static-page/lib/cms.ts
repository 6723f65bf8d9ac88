export const cms = { getUser: async (x: string) => x }
