// Placeholder until its issue lands: reports that the command does not exist yet (exit 1).
export async function run(_args: string[]): Promise<number> {
  throw new Error('the logits command is not implemented yet');
}
