import { DomainError } from './domain-error.js';

export interface CapacityDetails {
  group: string;
  /** e.g. "0/3 hosts fit: 2 out of memory, 1 no microvm runtime" */
  summary: string;
  shortfall: { resource: string; requested: number; free: number; missing: number }[];
  rejections: { host: string; reason: string }[];
}

/** The group cannot hold what was asked; the message carries the shortfall table and the fix. */
export class InsufficientCapacityError extends DomainError {
  constructor(message: string, details: CapacityDetails) {
    super('insufficient_capacity', message, details);
  }
}
