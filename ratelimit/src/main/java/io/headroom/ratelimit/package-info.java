/**
 * Rate limiting decided in one Redis round trip (a Lua GCRA script on Redis time), with a local
 * engine on Bucket4j that has the same admission semantics. Start at {@link
 * io.headroom.ratelimit.RateLimiter}.
 */
@NullMarked
package io.headroom.ratelimit;

import org.jspecify.annotations.NullMarked;
