// Wrap an async iterable so each item (or the failure that ends it) passes through a function.
// Interceptors use it to validate incoming stream messages and to map errors of outgoing streams.

export function mapAsyncIterable<T>(
  source: AsyncIterable<T>,
  onItem: (item: T) => void,
  onError: (error: unknown) => unknown = (e) => e,
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const item of source) {
          onItem(item);
          yield item;
        }
      } catch (e) {
        throw onError(e);
      }
    },
  };
}
