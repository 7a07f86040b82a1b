/** Tests of the Redis worker-ID leases: the lease logic on a fake store, and against real Redis. */
@NullMarked
package io.headroom.idgen.redis;

import org.jspecify.annotations.NullMarked;
