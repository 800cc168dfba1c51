// The shape of a service id, in a module of its own so that code which must start fast (the
// cached `service models` answer) can check an id without loading the record schema and zod.

/** Service ids are file and job-name components: letters, digits, `_ . -`, 1 to 40 characters. */
export const SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
