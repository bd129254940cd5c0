// Placeholder until its issue lands.
export async function run(_args: string[]): Promise<number> {
  throw new Error('bench decode is not implemented yet');
}
