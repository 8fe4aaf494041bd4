"""Every agent of the process's services meets its role's contract, parameter for parameter."""

import inspect

from igny8.agents import contracts
from igny8.agents.architect import ArchitectAgent
from igny8.agents.clusterer import ClustererAgent
from igny8.agents.linker import LinkerAgent
from igny8.agents.optimizer import OptimizerAgent
from igny8.agents.writer import WriterAgent

ROLES = {
    contracts.SectorArchitect: ArchitectAgent,
    contracts.ClusterProposer: ClustererAgent,
    contracts.PageWriter: WriterAgent,
    contracts.LinkPlacer: LinkerAgent,
    contracts.PageRewriter: OptimizerAgent,
}


def test_each_agent_has_its_contracts_methods_with_the_same_parameters() -> None:
    for contract, agent in ROLES.items():
        methods = [n for n, v in vars(contract).items() if callable(v) and not n.startswith("_")]
        assert methods, contract
        for name in methods:
            expected = list(inspect.signature(getattr(contract, name)).parameters)
            actual = list(inspect.signature(getattr(agent, name)).parameters)
            assert actual == expected, (agent.__name__, name, actual, expected)
