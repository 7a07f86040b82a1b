/** Code shared between headroom modules. Not API: it may change in any release. */
@NullMarked
package io.headroom.redis.internal;

import org.jspecify.annotations.NullMarked;
