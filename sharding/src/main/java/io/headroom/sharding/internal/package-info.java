/**
 * Hashing and bucket helpers shared by headroom's sharding code. Not API: it may change in any
 * release.
 */
@NullMarked
package io.headroom.sharding.internal;

import org.jspecify.annotations.NullMarked;
