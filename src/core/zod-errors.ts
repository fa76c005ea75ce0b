import type { z } from 'zod';

/** Turns a zod error into one readable line per bad field, never a stack trace. */
export function formatZodError(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'input';
    return `${where}: ${issue.message}`;
  });
}
