import type { DeskClient } from "@/api/client";
import { loose } from "@/api/loose";
import type { components } from "@/api/schema";

export type UserDetail = components["schemas"]["UserRead"];
export type Metadata = Record<string, unknown>;

/** The fields staff may change with `PATCH /api/users/{id}`; metadata merges at the root. */
export interface UserChanges {
  name?: string | null;
  nickname?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  picture?: string | null;
  email?: string;
  email_verified?: boolean;
  blocked?: boolean;
  app_metadata?: Metadata;
  user_metadata?: Metadata;
}

export interface Role {
  id: string;
  name: string;
  description?: string | null;
}

export interface BruteForceBlock {
  identifier: string;
  ip?: string | null;
  connection?: string | null;
}

export interface LogEvent {
  log_id: string;
  date: string;
  type: string;
  /** The event type in words ("Successful login"). */
  type_label?: string | null;
  description?: string | null;
  client_name?: string | null;
  ip?: string | null;
  user_agent?: string | null;
  connection?: string | null;
}

export interface LogPage {
  logs: LogEvent[];
  page: number;
  per_page: number;
}

export interface SignInSession {
  id: string;
  created_at?: string | null;
  last_interacted_at?: string | null;
  expires_at?: string | null;
  device?: {
    initial_ip?: string | null;
    initial_user_agent?: string | null;
    last_ip?: string | null;
    last_user_agent?: string | null;
  } | null;
  clients?: string[];
}

export interface Connection {
  id: string;
  name: string;
  strategy: string;
}

export interface NewUser {
  connection?: string;
  email: string;
  password: string;
  name?: string;
  email_verified?: boolean;
}

const one = (userId: string) => ({ path: { user_id: userId } });

export async function getUser(api: DeskClient, userId: string, signal?: AbortSignal): Promise<UserDetail> {
  const { data } = await api.GET("/api/users/{user_id}", { params: one(userId), signal });
  if (!data) throw new Error("The desk returned no user.");
  return data;
}

export async function updateUser(api: DeskClient, userId: string, changes: UserChanges): Promise<UserDetail> {
  const { data } = await loose(api).PATCH("/api/users/{user_id}", { params: one(userId), body: changes });
  if (!data) throw new Error("The desk returned no user.");
  return data as UserDetail;
}

export async function getBlocks(api: DeskClient, userId: string): Promise<BruteForceBlock[]> {
  const { data } = await loose(api).GET("/api/users/{user_id}/blocks", { params: one(userId) });
  return (data as { blocked_for?: BruteForceBlock[] } | undefined)?.blocked_for ?? [];
}

export async function listRoles(api: DeskClient): Promise<Role[]> {
  const { data } = await loose(api).GET("/api/roles");
  return (data as { roles?: Role[] } | undefined)?.roles ?? [];
}

export async function getUserRoles(api: DeskClient, userId: string): Promise<Role[]> {
  const { data } = await loose(api).GET("/api/users/{user_id}/roles", { params: one(userId) });
  return (data as { roles?: Role[] } | undefined)?.roles ?? [];
}

export async function assignRoles(api: DeskClient, userId: string, roleIds: string[]): Promise<void> {
  await loose(api).POST("/api/users/{user_id}/roles", { params: one(userId), body: { roles: roleIds } });
}

export async function removeRoles(api: DeskClient, userId: string, roleIds: string[]): Promise<void> {
  await loose(api).DELETE("/api/users/{user_id}/roles", { params: one(userId), body: { roles: roleIds } });
}

export async function getLogs(
  api: DeskClient,
  userId: string,
  page: number,
  perPage: number,
  signal?: AbortSignal,
): Promise<LogPage> {
  const { data } = await loose(api).GET("/api/users/{user_id}/logs", {
    params: { ...one(userId), query: { page, per_page: perPage } },
    signal,
  });
  const answer = data as Partial<LogPage> | undefined;
  return { logs: answer?.logs ?? [], page: answer?.page ?? page, per_page: answer?.per_page ?? perPage };
}

export async function getSessions(api: DeskClient, userId: string): Promise<SignInSession[]> {
  const { data } = await loose(api).GET("/api/users/{user_id}/sessions", { params: one(userId) });
  return (data as { sessions?: SignInSession[] } | undefined)?.sessions ?? [];
}

export async function signOutEverywhere(api: DeskClient, userId: string): Promise<void> {
  await loose(api).DELETE("/api/users/{user_id}/sessions", { params: one(userId) });
}

export async function passwordChangeTicket(api: DeskClient, userId: string): Promise<string> {
  const { data } = await loose(api).POST("/api/users/{user_id}/password-change-ticket", { params: one(userId) });
  const ticket = (data as { ticket?: string } | undefined)?.ticket;
  if (!ticket) throw new Error("The desk returned no ticket.");
  return ticket;
}

export async function sendVerificationEmail(api: DeskClient, userId: string): Promise<void> {
  await loose(api).POST("/api/users/{user_id}/verification-email", { params: one(userId) });
}

export async function listConnections(api: DeskClient): Promise<Connection[]> {
  const { data } = await loose(api).GET("/api/connections");
  return (data as { connections?: Connection[] } | undefined)?.connections ?? [];
}

export async function createUser(api: DeskClient, user: NewUser): Promise<UserDetail> {
  const { data } = await loose(api).POST("/api/users", { body: user });
  if (!data) throw new Error("The desk returned no user.");
  return data as UserDetail;
}

export async function deleteUser(api: DeskClient, userId: string): Promise<void> {
  await api.DELETE("/api/users/{user_id}", { params: one(userId) });
}
