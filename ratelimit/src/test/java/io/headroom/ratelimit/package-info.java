@NullMarked
package io.headroom.ratelimit;

import org.jspecify.annotations.NullMarked;
