// Placeholder until its issue lands.
export async function run(_args: string[]): Promise<number> {
  throw new Error('bench load is not implemented yet');
}
