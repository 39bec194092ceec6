# bash completion for vnetctl(8)                           -*- shell-script -*-
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Commands and options come from `vnetctl --help` and `vnetctl CMD --help`
# themselves (_parse_help), so they cannot drift from the program.
# COMPREPLY=($(compgen ...)) is bash-completion's own idiom:
# shellcheck shell=bash disable=SC2207

# The network interfaces of this namespace, without veth's "@peer".
_comp_vnetctl_ifaces()
{
    ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

_comp_vnetctl_commands()
{
    "$1" --help 2>/dev/null | awk '/^vnetctl [a-z]/ { print $2 }'
    echo help
}

_vnetctl()
{
    local cur prev words cword
    _init_completion || return

    # The command: the first word after the global options.
    local i cmd='' cmd_idx=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -*) ;;
            *)
                cmd=${words[i]} cmd_idx=$i
                break
                ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '-v --verbose -h --help -V --version' -- "$cur"))
        else
            COMPREPLY=($(compgen -W '$(_comp_vnetctl_commands "$1")' -- "$cur"))
        fi
        return
    fi

    # Option arguments.
    case $prev in
        -m | --mode)
            COMPREPLY=($(compgen -W 'auto native generic tc loopback' -- "$cur"))
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W 'text json prometheus' -- "$cur"))
            return
            ;;
        --method)
            COMPREPLY=($(compgen -W 'live loop packet' -- "$cur"))
            return
            ;;
        --rate-limit)
            [[ $cur == +([0-9]) ]] && COMPREPLY=("$cur" "$cur/source")
            return
            ;;
        -r | --respond | --ttl | --claim-age | --seed | -l | --listen | --dst | --src | \
            --dst-mac | -s | --size | \
            -n | --count | -d | --duration | --rate | -t | --threads | --cpus | -i | \
            --interval | --id | --napi-cpu | --drain | -c)
            # A value of the user's; -n is apply's --dry-run, and -c/-n take
            # numbers elsewhere: only complete nothing where one is expected.
            case $cmd in
                apply) ;;
                *) return ;;
            esac
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '$(_parse_help "$1" "$cmd --help")' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi

    # Operands: count those after the command, skipping options and their values.
    local args=() w
    for ((i = cmd_idx + 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
            -m | --mode | --format | --method | --rate-limit | -r | --respond | --ttl | \
                --claim-age | --seed | \
                -l | --listen | --dst | --src | --dst-mac | -s | --size | -d | --duration | \
                --rate | -t | --threads | --cpus | -i | --interval | --id | --napi-cpu | \
                --drain | -c | --count)
                ((i++))
                ;;
            -n) [[ $cmd == bench ]] && ((i++)) ;;
            -*) ;;
            *) args+=("$w") ;;
        esac
    done

    case $cmd in
        attach | detach | stats | bench)
            ((${#args[@]} == 0)) &&
                COMPREPLY=($(compgen -W '$(_comp_vnetctl_ifaces)' -- "$cur"))
            ;;
        respond)
            case ${#args[@]} in
                0) COMPREPLY=($(compgen -W '$(_comp_vnetctl_ifaces)' -- "$cur")) ;;
                1) COMPREPLY=($(compgen -W 'add del list flush' -- "$cur")) ;;
                *)
                    # del: the prefixes there now (needs the privileges list needs).
                    [[ ${args[1]} == del ]] &&
                        COMPREPLY=($(compgen -W '$("$1" respond "${args[0]}" list 2>/dev/null)' -- "$cur"))
                    ;;
            esac
            ;;
        apply)
            if ((${#args[@]} == 0)); then
                # IFACE for /etc/vnet/IFACE.conf, or a FILE named IFACE.conf.
                local d=${VNET_CONFIG_DIR:-/etc/vnet} f names=()
                for f in "$d"/*.conf; do
                    [[ -e $f ]] && f=${f##*/} && names+=("${f%.conf}")
                done
                COMPREPLY=($(compgen -W '${names[@]}' -- "$cur"))
                _filedir conf
            fi
            ;;
        help)
            ((${#args[@]} == 0)) &&
                COMPREPLY=($(compgen -W '$(_comp_vnetctl_commands "$1")' -- "$cur"))
            ;;
    esac
} &&
    complete -F _vnetctl vnetctl

# ex: filetype=sh
