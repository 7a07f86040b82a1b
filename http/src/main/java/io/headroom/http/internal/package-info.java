/**
 * Helpers shared by the headroom-http filters (IP parsing, path patterns, JSON text). Not API: it
 * may change in any release.
 */
@NullMarked
package io.headroom.http.internal;

import org.jspecify.annotations.NullMarked;
