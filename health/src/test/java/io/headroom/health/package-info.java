/** Tests of the health module. */
@NullMarked
package io.headroom.health;

import org.jspecify.annotations.NullMarked;
