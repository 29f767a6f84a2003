/**
 * What every runtime accepts as an instance id: it becomes a directory name, part of runc
 * container names and socket paths, so letters, digits, ".", "_" and "-", at most 101 characters.
 */
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/;

export function isInstanceId(id: string): boolean {
  return INSTANCE_ID.test(id);
}
