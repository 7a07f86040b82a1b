/**
 * Snowflake IDs: {@link io.headroom.idgen.IdGenerator} issues positive 64-bit IDs made of a
 * millisecond timestamp, a worker ID and a sequence ({@link io.headroom.idgen.IdLayout}); worker
 * IDs come from a {@link io.headroom.idgen.WorkerIdProvider}; {@link io.headroom.idgen.ShortCodes}
 * turns IDs into short, non-sequential base62 codes and back.
 */
@NullMarked
package io.headroom.idgen;

import org.jspecify.annotations.NullMarked;
