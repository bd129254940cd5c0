// Argument checks that turn silent garbage (a group that is not a multiple of 16 would read the wrong bytes)
// into an error the loader reports with this message. One branch per call, never per element.

// @ts-ignore: decorator
@inline export function check(ok: bool, message: string): void {
  if (!ok) abort(message);
}

// @ts-ignore: decorator
@inline export function checkGroup(group: i32): void {
  check(group > 0 && (group & 15) == 0, 'q8 group must be a positive multiple of 16');
}
