@NullMarked
package io.headroom.redis;

import org.jspecify.annotations.NullMarked;
