/** Tests of the breaker module. */
@NullMarked
package io.headroom.breaker;

import org.jspecify.annotations.NullMarked;
