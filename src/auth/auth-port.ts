import type { SessionUser } from '../lib/web/roles.ts';
import type { RevokeListener } from './auth-service.ts';

/** Accounts as other features see them: names for display, roles, and when access ends. */
export interface AccountsPort {
  /** The user as read now (frozen), or undefined for a deleted account. */
  peek(id: string): Readonly<{ id: string; username: string; role: SessionUser['role']; sessionVersion: number }> | undefined;
  byUsername(name: string): SessionUser | undefined;
  /** Display names for ids; a deleted account reads "a former member". */
  name(id: string): string;
  /** The first accepted FAQ submission makes a learner a contributor (never more). */
  grantContributor(id: string): Promise<void>;
  /** Told when a user's credentials end: their live streams must close at once. */
  onRevoke(listener: RevokeListener): void;
  /** Told when a browser signs out (with its session id). */
  onSignOut(listener: (e: { userId: string; sessionId: string }) => void): void;
  /** Whether a signed-in browser session still exists. */
  isSessionActive(sessionId: string): boolean;
  /** The owner of a valid access token (undefined once it is revoked). */
  tokenOwner(token: string): string | undefined;
  /** Saves what the user said they install. */
  saveProfile(userId: string, profile: { deployment?: string; platform?: string }): Promise<void>;
}

/** What the admin pages may do with accounts. */
export interface AccountsAdminPort {
  list(): readonly { id: string; username: string; usernameKey: string; role: SessionUser['role']; createdAt: string }[];
  find(id: string): { id: string; username: string; role: SessionUser['role'] } | undefined;
  /** Ends the user's sessions, so a demotion counts everywhere at once. */
  setRole(id: string, role: SessionUser['role']): Promise<unknown>;
  /** A one-time link for someone who lost their password (the admin never learns the new one). */
  createResetLink(adminId: string, userId: string): Promise<string>;
}
