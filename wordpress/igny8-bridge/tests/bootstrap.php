<?php

/**
 * The plugin's own logic, which makes no WordPress call, loaded without WordPress.
 */

foreach (['secret', 'envelope', 'taxonomy-keys', 'blueprint-shape', 'content-item', 'graph', 'redirect-rules', 'indexnow-key'] as $igny8_class) {
    require_once dirname(__DIR__) . '/includes/class-' . $igny8_class . '.php';
}
