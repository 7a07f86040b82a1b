/** Tests of headroom-sharding. */
@NullMarked
package io.headroom.sharding;

import org.jspecify.annotations.NullMarked;
