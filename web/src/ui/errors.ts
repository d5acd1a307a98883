// Where an API error belongs: the panel's envelope has only a message, and
// its messages name the field they are about ("Password must be at least 8
// characters", "ip_whitelist: ...", "Domain already exists"). The field
// whose name or label the message names gets it; otherwise the form does.
import { ApiError } from '../api/client';

export interface Nameable {
  label: string;
  // Other words the panel uses for this field ("user already exists").
  match?: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function fieldForMessage<K extends string>(
  message: string,
  fields: Record<K, Nameable>,
): K | null {
  const keys = Object.keys(fields) as K[];
  for (const k of keys) if (fields[k].match?.test(message)) return k;
  // Longest label first, so "New password" wins over "Password".
  const byLabel = [...keys].sort((a, b) => fields[b].label.length - fields[a].label.length);
  for (const k of byLabel) {
    const words = [fields[k].label, k, k.replace(/_/g, ' ')];
    if (words.some((w) => new RegExp(`\\b${escape(w)}\\b`, 'i').test(message))) return k;
  }
  return null;
}

export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
