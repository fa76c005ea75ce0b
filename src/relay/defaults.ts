// The relay's default address, in a module of its own so `apply` and `doctor` can name it
// without loading the relay's server code.
export const DEFAULT_RELAY_HOST = '127.0.0.1';
export const DEFAULT_RELAY_PORT = 4850;
