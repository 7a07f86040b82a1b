@NullMarked
package io.headroom.http;

import org.jspecify.annotations.NullMarked;
