<?php
/**
 * Plugin Name: IGNY8 bridge (test bed)
 * Description: The plugin side the IGNY8 backend talks to, as far as publishing needs it: the igny8/v1
 * REST namespace (GET /health, POST /sag/create-taxonomies), the blueprint's taxonomies registered on every
 * request, IGNY8's post meta writable over REST, and test-bed conveniences (SVG uploads, no mail).
 */

if (!defined('ABSPATH')) {
    exit;
}

const IGNY8_BRIDGE_VERSION = '0.1.0';
const IGNY8_TAXONOMIES_OPTION = 'igny8_taxonomies';
const IGNY8_POST_TYPES = ['post', 'page'];
const IGNY8_META = [
    'igny8_task_id' => 'integer',
    'igny8_content_id' => 'integer',
    'igny8_blueprint_version' => 'integer',
    'igny8_cluster' => 'string',
];

/** Taxonomy keys WordPress itself uses (query vars and core taxonomies): ours get a prefix instead. */
function igny8_reserved_taxonomy_key($key) {
    $reserved = ['attachment', 'attachment_id', 'author', 'author_name', 'calendar', 'cat', 'category',
        'category__and', 'category__in', 'category__not_in', 'category_name', 'comments_per_page',
        'comments_popup', 'custom', 'customize_messenger_channel', 'customized', 'cpage', 'day', 'debug',
        'embed', 'error', 'exact', 'feed', 'fields', 'hour', 'link_category', 'm', 'minute', 'monthnum',
        'more', 'name', 'nav_menu', 'nonce', 'nopaging', 'offset', 'order', 'orderby', 'p', 'page',
        'page_id', 'paged', 'pagename', 'pb', 'perm', 'post', 'post__in', 'post__not_in', 'post_format',
        'post_mime_type', 'post_status', 'post_tag', 'post_type', 'posts', 'posts_per_archive_page',
        'posts_per_page', 'preview', 'robots', 's', 'search', 'second', 'sentence', 'showposts', 'static',
        'status', 'subpost', 'subpost_id', 'tag', 'tag__and', 'tag__in', 'tag__not_in', 'tag_id', 'tag_slug__and',
        'tag_slug__in', 'taxonomy', 'tb', 'term', 'terms', 'theme', 'title', 'type', 'types', 'w', 'withcomments',
        'withoutcomments', 'year', 'pages', 'media', 'users', 'comments', 'settings', 'themes', 'plugins',
        'blocks', 'statuses', 'taxonomies', 'menus', 'menu-items', 'sidebars', 'widgets', 'widget-types'];
    return in_array($key, $reserved, true);
}

/** The taxonomy key WordPress will use for one of ours (at most 32 characters, not a reserved word). */
function igny8_taxonomy_key($slug) {
    $key = substr(sanitize_key($slug), 0, 32);
    if ($key === '' || igny8_reserved_taxonomy_key($key)
        || (taxonomy_exists($key) && !array_key_exists($key, get_option(IGNY8_TAXONOMIES_OPTION, [])))) {
        $key = substr('igny8_' . sanitize_key($slug), 0, 32);
    }
    return $key;
}

function igny8_register_taxonomy($key, $spec) {
    register_taxonomy($key, IGNY8_POST_TYPES, [
        'labels' => ['name' => $spec['name'], 'singular_name' => $spec['name']],
        'public' => true,
        'hierarchical' => (bool) $spec['hierarchical'],
        'show_in_rest' => true,
        'rest_base' => $key,
        'show_admin_column' => true,
        'rewrite' => ['slug' => $spec['slug'], 'hierarchical' => (bool) $spec['hierarchical']],
    ]);
}

add_action('init', function () {
    foreach (get_option(IGNY8_TAXONOMIES_OPTION, []) as $key => $spec) {
        igny8_register_taxonomy($key, $spec);
    }
    // Whoever may edit the post may write its IGNY8 meta (editors and administrators, authors on their own).
    $can_edit = function ($allowed, $meta_key, $post_id) {
        return current_user_can('edit_post', $post_id);
    };
    foreach (IGNY8_POST_TYPES as $post_type) {
        foreach (IGNY8_META as $meta_key => $type) {
            register_post_meta($post_type, $meta_key, [
                'type' => $type, 'single' => true, 'show_in_rest' => true, 'auth_callback' => $can_edit,
            ]);
        }
    }
    register_post_meta('attachment', 'igny8_content_id', [
        'type' => 'integer', 'single' => true, 'show_in_rest' => true, 'auth_callback' => $can_edit,
    ]);
    register_setting('media', 'igny8_testbed_allow_svg', [
        'type' => 'boolean', 'default' => true, 'show_in_rest' => true,
        'description' => 'Test bed only: accept SVG uploads (WordPress refuses them by default).',
    ]);
});

function igny8_envelope($data, $message = '') {
    return ['success' => true, 'data' => $data, 'message' => $message, 'request_id' => wp_generate_uuid4()];
}

function igny8_error($status, $error, $errors = []) {
    return new WP_REST_Response(['success' => false, 'error' => $error, 'errors' => (object) $errors,
        'request_id' => wp_generate_uuid4()], $status);
}

function igny8_create_taxonomies(WP_REST_Request $request) {
    $body = $request->get_json_params();
    $items = is_array($body) && array_key_exists('taxonomies', $body) ? $body['taxonomies'] : $body;
    if (!is_array($items) || !array_is_list($items)) {
        return igny8_error(400, 'expected a JSON list of {slug, name, hierarchical}');
    }
    $stored = get_option(IGNY8_TAXONOMIES_OPTION, []);
    $known = [];
    foreach ($stored as $key => $spec) {
        $known[$spec['slug']] = $key;
    }
    $result = [];
    $errors = [];
    foreach ($items as $index => $item) {
        $slug = is_array($item) ? sanitize_title($item['slug'] ?? '') : '';
        $name = is_array($item) ? sanitize_text_field($item['name'] ?? '') : '';
        if ($slug === '' || $name === '') {
            $errors["$index"] = ['slug and name are required'];
            continue;
        }
        $key = $known[$slug] ?? igny8_taxonomy_key($slug);
        $spec = ['slug' => $slug, 'name' => $name, 'hierarchical' => !empty($item['hierarchical'])];
        $created = !array_key_exists($key, $stored);
        $stored[$key] = $spec;
        igny8_register_taxonomy($key, $spec);
        $result[] = ['slug' => $slug, 'taxonomy' => $key, 'rest_base' => $key, 'name' => $name,
            'hierarchical' => $spec['hierarchical'], 'created' => $created];
    }
    if ($errors) {
        return igny8_error(400, 'some taxonomies are invalid; nothing was changed', $errors);
    }
    update_option(IGNY8_TAXONOMIES_OPTION, $stored);
    flush_rewrite_rules(false);  // term archives of new taxonomies need their rewrite rules
    return igny8_envelope(['taxonomies' => $result], count($result) . ' taxonomies registered');
}

add_action('rest_api_init', function () {
    register_rest_route('igny8/v1', '/health', [
        'methods' => 'GET',
        'permission_callback' => '__return_true',
        'callback' => function () {
            return igny8_envelope([
                'plugin' => 'igny8-bridge', 'plugin_version' => IGNY8_BRIDGE_VERSION,
                'wordpress_version' => get_bloginfo('version'),
                'taxonomies' => array_keys(get_option(IGNY8_TAXONOMIES_OPTION, [])),
            ]);
        },
    ]);
    register_rest_route('igny8/v1', '/sag/create-taxonomies', [
        'methods' => 'POST',
        'permission_callback' => function () {
            return current_user_can('manage_options');
        },
        'callback' => 'igny8_create_taxonomies',
    ]);
});

// Test bed only: an SVG can carry scripts, so real sites should not accept SVG from untrusted uploaders.
add_filter('upload_mimes', function ($mimes) {
    if (get_option('igny8_testbed_allow_svg', true)) {
        $mimes['svg'] = 'image/svg+xml';
    }
    return $mimes;
});

// WordPress checks the file's real type too; PHP's fileinfo calls an SVG "image/svg+xml" or "text/xml".
add_filter('wp_check_filetype_and_ext', function ($checked, $file, $filename) {
    if (get_option('igny8_testbed_allow_svg', true) && strtolower(pathinfo($filename, PATHINFO_EXTENSION)) === 'svg') {
        return ['ext' => 'svg', 'type' => 'image/svg+xml', 'proper_filename' => $checked['proper_filename'] ?? false];
    }
    return $checked;
}, 10, 3);

// There is no sendmail on the test machines.
add_filter('pre_wp_mail', '__return_false');
