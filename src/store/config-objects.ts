// Runtime configuration kept in the store: sources, routes, templates, people and groups created
// through /api/v1, and the Volcengine signing keys a rotation made. Every instance reads the same
// rows; `version()` changes with every write, so an instance notices another's change.

export const OBJECT_KINDS = ['source', 'route', 'template', 'person', 'group', 'volcKeys'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface StoredObject {
  kind: ObjectKind;
  name: string;
  /** The object as validated (the YAML schema's input form, so it is validated again on load). */
  body: unknown;
  updatedAt: number;
  /** Who made the change (`api`, `cli`), for the dashboard; the audit log has the details. */
  updatedBy: string;
}

export interface ConfigObjectStore {
  list(kind?: ObjectKind): Promise<StoredObject[]>;
  get(kind: ObjectKind, name: string): Promise<StoredObject | undefined>;
  /** Creates or wholly replaces; says which. */
  put(o: StoredObject): Promise<'created' | 'replaced'>;
  /** true when there was one. */
  delete(kind: ObjectKind, name: string): Promise<boolean>;
  /** A number that changes with every put and delete, from any instance. */
  version(): Promise<number>;
  close(): Promise<void>;
}
