/** The image's account files, as text; null when the image has none. */
export interface AccountFiles {
  passwd: string | null;
  group: string | null;
}

export interface ResolvedUser {
  uid: number;
  gid: number;
}

/** A user the image cannot resolve; the message says which file was missing or what was not in it. */
export class UserResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserResolutionError';
  }
}

/**
 * Resolves `user`, `uid`, `user:group`, `uid:gid` (any mix) against the image's /etc/passwd and
 * /etc/group, like Docker: a numeric uid without a group takes its passwd gid when listed, else 0.
 * Empty or null means root.
 */
export function resolveUser(user: string | null | undefined, files: AccountFiles): ResolvedUser {
  if (!user) return { uid: 0, gid: 0 };
  const [userPart = '', groupPart] = user.split(':', 2);
  const passwd = parseColonFile(files.passwd);
  let uid: number;
  let passwdGid: number | undefined;
  if (isNumeric(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((fields) => fields[2] === userPart);
    passwdGid = entry?.[3] !== undefined && isNumeric(entry[3]) ? Number(entry[3]) : undefined;
  } else {
    if (files.passwd === null) {
      throw new UserResolutionError(`user "${userPart}" cannot be resolved: the image has no /etc/passwd; use a numeric uid[:gid]`);
    }
    const entry = passwd.find((fields) => fields[0] === userPart);
    if (!entry || !isNumeric(entry[2] ?? '') || !isNumeric(entry[3] ?? '')) {
      throw new UserResolutionError(`user "${userPart}" is not in the image's /etc/passwd; use a numeric uid[:gid] or add the user`);
    }
    uid = Number(entry[2]);
    passwdGid = Number(entry[3]);
  }
  if (groupPart === undefined || groupPart === '') return { uid, gid: passwdGid ?? 0 };
  if (isNumeric(groupPart)) return { uid, gid: Number(groupPart) };
  if (files.group === null) {
    throw new UserResolutionError(`group "${groupPart}" cannot be resolved: the image has no /etc/group; use a numeric gid`);
  }
  const group = parseColonFile(files.group).find((fields) => fields[0] === groupPart);
  if (!group || !isNumeric(group[2] ?? '')) {
    throw new UserResolutionError(`group "${groupPart}" is not in the image's /etc/group; use a numeric gid or add the group`);
  }
  return { uid, gid: Number(group[2]) };
}

function parseColonFile(text: string | null): string[][] {
  if (!text) return [];
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

function isNumeric(value: string): boolean {
  return /^\d+$/.test(value);
}
