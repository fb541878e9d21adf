import type { DeskClient } from "@/api/client";
import type { paths } from "@/api/schema";
import type { UserDetail } from "../api";

type Json<T> = T extends { responses: { 200: { content: { "application/json": infer B } } } }
  ? B
  : T extends { responses: { 201: { content: { "application/json": infer B } } } }
    ? B
    : never;
type Body<T> = T extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

type One = paths["/api/users/{user_id}"];
export { getUser, type UserDetail } from "../api";
export type Metadata = Record<string, unknown>;
/** The fields staff may change; metadata merges at the root and a key sent as null is deleted. */
export type UserChanges = Body<One["patch"]>;
export type BruteForceBlock = Json<paths["/api/users/{user_id}/blocks"]["get"]>["blocked_for"][number];
export type Role = Json<paths["/api/roles"]["get"]>["roles"][number];
export type LogPage = Json<paths["/api/users/{user_id}/logs"]["get"]>;
export type LogEvent = LogPage["logs"][number];
export type SignInSession = Json<paths["/api/users/{user_id}/sessions"]["get"]>["sessions"][number];
export type Connection = Json<paths["/api/connections"]["get"]>["connections"][number];
export type NewUser = Body<paths["/api/users"]["post"]>;

const one = (userId: string) => ({ path: { user_id: userId } });

function answer<T>(data: T | undefined): T {
  if (data === undefined) throw new Error("The desk returned nothing.");
  return data;
}


export async function updateUser(api: DeskClient, userId: string, changes: UserChanges): Promise<UserDetail> {
  return answer((await api.PATCH("/api/users/{user_id}", { params: one(userId), body: changes })).data);
}

export async function getBlocks(api: DeskClient, userId: string): Promise<BruteForceBlock[]> {
  return answer((await api.GET("/api/users/{user_id}/blocks", { params: one(userId) })).data).blocked_for;
}

export async function listRoles(api: DeskClient): Promise<Role[]> {
  return answer((await api.GET("/api/roles")).data).roles;
}

export async function getUserRoles(api: DeskClient, userId: string): Promise<Role[]> {
  return answer((await api.GET("/api/users/{user_id}/roles", { params: one(userId) })).data).roles;
}

export async function assignRoles(api: DeskClient, userId: string, roleIds: string[]): Promise<void> {
  await api.POST("/api/users/{user_id}/roles", { params: one(userId), body: { roles: roleIds } });
}

export async function removeRoles(api: DeskClient, userId: string, roleIds: string[]): Promise<void> {
  await api.DELETE("/api/users/{user_id}/roles", { params: one(userId), body: { roles: roleIds } });
}

export async function getLogs(
  api: DeskClient,
  userId: string,
  page: number,
  perPage: number,
  signal?: AbortSignal,
): Promise<LogPage> {
  const { data } = await api.GET("/api/users/{user_id}/logs", {
    params: { ...one(userId), query: { page, per_page: perPage } },
    signal,
  });
  return answer(data);
}

export async function getSessions(api: DeskClient, userId: string): Promise<SignInSession[]> {
  return answer((await api.GET("/api/users/{user_id}/sessions", { params: one(userId) })).data).sessions;
}

export async function signOutEverywhere(api: DeskClient, userId: string): Promise<void> {
  await api.DELETE("/api/users/{user_id}/sessions", { params: one(userId) });
}

export async function passwordChangeTicket(api: DeskClient, userId: string): Promise<string> {
  const { data } = await api.POST("/api/users/{user_id}/password-change-ticket", { params: one(userId) });
  return answer(data).ticket;
}

export async function sendVerificationEmail(api: DeskClient, userId: string): Promise<void> {
  await api.POST("/api/users/{user_id}/verification-email", { params: one(userId) });
}

export async function listConnections(api: DeskClient): Promise<Connection[]> {
  return answer((await api.GET("/api/connections")).data).connections;
}

export async function createUser(api: DeskClient, user: NewUser): Promise<UserDetail> {
  return answer((await api.POST("/api/users", { body: user })).data);
}

// One delete for the table and the user page.
export { deleteUser } from "../api";
